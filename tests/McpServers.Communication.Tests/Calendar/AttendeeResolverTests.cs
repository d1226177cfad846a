using McpServers.Communication.Calendar.Invitations;
using McpServers.Communication.Email;
using McpServers.Shared.Errors;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;

namespace McpServers.Communication.Tests.Calendar;

/// <summary>Names resolve only from the address book and recent correspondents: one match is used, none or several are a question.</summary>
public sealed class AttendeeResolverTests : IDisposable
{
    private readonly string _book = Path.Combine(Path.GetTempPath(), $"mcp-address-book-{Guid.NewGuid():N}.csv");

    public AttendeeResolverTests() => File.WriteAllText(_book, """
        name,address
        # colleagues
        Dana Scully,dana@a.test
        "Lee, Jordan",jordan@b.test
        not a line
        Robin Hood,not-an-address
        """);

    private AttendeeResolver Resolver(params MailboxAddress[] correspondents) =>
        new(new AddressBook(_book, NullLogger<AddressBook>.Instance), new FixedCorrespondents(correspondents));

    [Fact]
    public async Task OneMatchInTheAddressBook_IsUsed()
    {
        ResolvedAttendee dana = await Resolver().ResolveNameAsync("dana", "attendees[0]", TestContext.Current.CancellationToken);

        Assert.Equal("dana@a.test", dana.Mailbox.Address);
        Assert.Equal("Dana Scully", dana.Mailbox.Name);
        Assert.Equal("address book", dana.Source);
    }

    [Fact]
    public async Task ANameWithACommaInQuotes_AndTheAddressLocalPart_Match()
    {
        AttendeeResolver resolver = Resolver();

        ResolvedAttendee jordan = await resolver.ResolveNameAsync("Jordan Lee", "attendees[0]", TestContext.Current.CancellationToken);
        ResolvedAttendee byLocalPart = await resolver.ResolveNameAsync("jordan", "attendees[0]", TestContext.Current.CancellationToken);

        Assert.Equal("jordan@b.test", jordan.Mailbox.Address);
        Assert.Equal("Lee, Jordan", jordan.Mailbox.Name);
        Assert.Equal("jordan@b.test", byLocalPart.Mailbox.Address);
    }

    [Fact]
    public async Task TheSameAddressFromBothSources_IsOneMatch()
    {
        ResolvedAttendee dana = await Resolver(new MailboxAddress("Dana S.", "DANA@a.test")).ResolveNameAsync("Dana", "attendees[0]", TestContext.Current.CancellationToken);

        Assert.Equal("dana@a.test", dana.Mailbox.Address);
    }

    [Fact]
    public async Task OneMatchAmongRecentCorrespondents_IsUsed()
    {
        ResolvedAttendee kim = await Resolver(new MailboxAddress("Kim Park", "kim@c.test")).ResolveNameAsync("Kim", "attendees[1]", TestContext.Current.CancellationToken);

        Assert.Equal("kim@c.test", kim.Mailbox.Address);
        Assert.Equal("recent correspondents", kim.Source);
    }

    [Fact]
    public async Task SeveralMatches_AreAQuestionListingTheCandidates_NeverAGuess()
    {
        var error = await Assert.ThrowsAsync<ToolInputException>(() => Resolver(new MailboxAddress("Dana Lee", "dana@b.test"))
            .ResolveNameAsync("Dana", "attendees[0]", TestContext.Current.CancellationToken));

        Assert.Equal("`attendees[0]`: 'Dana' matches dana@a.test (Dana Scully) and dana@b.test (Dana Lee): which one? Ask the user and pass the address.", error.Message);
    }

    [Theory]
    [InlineData("Mulder")]
    [InlineData("Dan")]       // no prefixes
    [InlineData("Robin")]     // its line had no valid address
    public async Task NoMatch_IsRefusedAskingForTheAddress(string name)
    {
        var error = await Assert.ThrowsAsync<ToolInputException>(() => Resolver().ResolveNameAsync(name, "attendees[2]", TestContext.Current.CancellationToken));

        Assert.StartsWith($"`attendees[2]`: '{name}' matches nobody in the address book (Calendar:AddressBook) or the recent correspondents.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAnySource_TheRefusalSaysNamesCannotBeResolved()
    {
        var resolver = new AttendeeResolver(new AddressBook(null, NullLogger<AddressBook>.Instance));

        var error = await Assert.ThrowsAsync<ToolInputException>(() => resolver.ResolveNameAsync("Dana", "attendees[0]", TestContext.Current.CancellationToken));

        Assert.Contains("names cannot be resolved", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABackendNameWithControlCharacters_IsShownEscaped()
    {
        var error = await Assert.ThrowsAsync<ToolInputException>(() => Resolver(new MailboxAddress("Dana\u202E\nEvil", "dana@evil.test"))
            .ResolveNameAsync("Dana", "attendees[0]", TestContext.Current.CancellationToken));

        Assert.Contains("dana@evil.test (Dana\\nEvil)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202E', error.Message);
    }

    [Fact]
    public async Task TheAddressBook_IsReadAgainWhenItChanges()
    {
        AttendeeResolver resolver = Resolver();
        await Assert.ThrowsAsync<ToolInputException>(() => resolver.ResolveNameAsync("Alex", "attendees[0]", TestContext.Current.CancellationToken));

        await File.AppendAllTextAsync(_book, "\nAlex Kim,alex@d.test\n", TestContext.Current.CancellationToken);
        ResolvedAttendee alex = await resolver.ResolveNameAsync("Alex", "attendees[0]", TestContext.Current.CancellationToken);

        Assert.Equal("alex@d.test", alex.Mailbox.Address);
    }

    public void Dispose() => File.Delete(_book);

    private sealed class FixedCorrespondents(params MailboxAddress[] people) : ICorrespondents
    {
        public Task<IReadOnlyList<MailboxAddress>> FindAsync(string name, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<MailboxAddress>>([.. people.Where(p => NameMatch.Matches(name, p.Name, p.Address))]);
    }
}

using McpServers.Communication.Guards;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using MimeKit;

namespace McpServers.Communication.Tests.Guards;

public sealed class RecipientGuardTests
{
    private static MailboxAddress[] Mail(params string[] addresses) => [.. addresses.Select(a => new MailboxAddress(null, a))];

    private static SendGuard Guard(params (string Key, string? Value)[] settings) =>
        new GuardHarness(settings.ToDictionary(s => s.Key, s => s.Value)).NewGuard();

    [Theory]
    [InlineData("dana@example.test")]
    [InlineData("dana@EXAMPLE.test")]
    [InlineData("dana@example.test.")]
    [InlineData("lee@eu.corp.test")]
    [InlineData("lee@a.b.corp.test")]
    public void CheckRecipients_AllowsListedDomainsAndWildcardSubdomains(string address) =>
        Guard().CheckRecipients(Mail(address), [], []);

    [Theory]
    [InlineData("dana@evil.test")]
    [InlineData("dana@example.test.evil.test")]
    [InlineData("dana@notexample.test")]
    [InlineData("dana@sub.example.test")]
    [InlineData("lee@corp.test")]
    [InlineData("lee@corp.test.evil.test")]
    public void CheckRecipients_RefusesOtherDomains_NamingTheSetting(string address)
    {
        var e = Assert.Throws<ToolInputException>(() => Guard().CheckRecipients(Mail("ok@example.test"), Mail(address), []));
        Assert.Contains(address, e.Message, StringComparison.Ordinal);
        Assert.Contains("Guards:AllowedRecipientDomains", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckRecipients_NoAllowlist_RefusesEverySend()
    {
        SendGuard guard = Guard(("Guards:AllowedRecipientDomains", ""));
        var e = Assert.Throws<ToolInputException>(() => guard.CheckRecipients(Mail("dana@example.test"), [], []));
        Assert.Contains("Guards:AllowedRecipientDomains", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bücher.example", "jurgen@xn--bcher-kva.example")]
    [InlineData("xn--bcher-kva.example", "jurgen@Bücher.example")]
    [InlineData("BÜCHER.example", "jurgen@bücher.example")]
    public void CheckRecipients_ComparesInternationalDomainsInOneForm(string allowed, string address) =>
        Guard(("Guards:AllowedRecipientDomains", allowed)).CheckRecipients(Mail(address), [], []);

    [Fact]
    public void CheckRecipients_LookalikeDomainIsNotTheAllowedOne()
    {
        // Cyrillic "е" in "еxample.test" is another domain (xn--xample-2of.test), not example.test.
        var e = Assert.Throws<ToolInputException>(() => Guard().CheckRecipients(Mail("dana@\u0435xample.test"), [], []));
        Assert.Contains("Guards:AllowedRecipientDomains", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckRecipients_Bcc_RefusedUnlessAllowed()
    {
        var e = Assert.Throws<ToolInputException>(() => Guard().CheckRecipients(Mail("a@example.test"), [], Mail("b@example.test")));
        Assert.Contains("Guards:AllowBcc", e.Message, StringComparison.Ordinal);
        Guard(("Guards:AllowBcc", "true")).CheckRecipients(Mail("a@example.test"), [], Mail("b@example.test"));
    }

    [Fact]
    public void CheckRecipients_Bcc_StillLimitedToTheAllowlist()
    {
        var e = Assert.Throws<ToolInputException>(() =>
            Guard(("Guards:AllowBcc", "true")).CheckRecipients(Mail("a@example.test"), [], Mail("b@evil.test")));
        Assert.Contains("b@evil.test", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckRecipients_CountsToCcAndBccTogether()
    {
        SendGuard guard = Guard(("Guards:MaxRecipients", "2"), ("Guards:AllowBcc", "true"));
        guard.CheckRecipients(Mail("a@example.test"), Mail("b@example.test"), []);
        var e = Assert.Throws<ToolInputException>(() =>
            guard.CheckRecipients(Mail("a@example.test"), Mail("b@example.test"), Mail("c@example.test")));
        Assert.Contains("Guards:MaxRecipients", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckRecipients_NoRecipient_Refused() =>
        Assert.Throws<ToolInputException>(() => Guard().CheckRecipients([], [], []));

    [Fact]
    public void NeedsConfirmation_AlwaysByDefault()
    {
        SendGuard guard = Guard(("Guards:InternalDomains", "example.test"));
        Assert.True(guard.NeedsConfirmation(Mail("dana@example.test")));
    }

    [Fact]
    public void NeedsConfirmation_InternalOnlySkipsOnlyWhenTheAdministratorSaysSo()
    {
        SendGuard guard = Guard(("Guards:InternalDomains", "example.test,*.corp.test"), ("Guards:ConfirmInternal", "false"));
        Assert.False(guard.NeedsConfirmation(Mail("dana@example.test", "lee@eu.corp.test")));
        Assert.True(guard.NeedsConfirmation(Mail("dana@example.test", "x@partner.test")));
        Assert.True(guard.NeedsConfirmation(Mail("x@sub.example.test")));
        Assert.True(guard.NeedsConfirmation([]));
    }

    [Theory]
    [InlineData("Guards:AllowedRecipientDomains", "com", "Guards:AllowedRecipientDomains: 'com'")]
    [InlineData("Guards:AllowedRecipientDomains", "*.com", "Guards:AllowedRecipientDomains: '*.com'")]
    [InlineData("Guards:InternalDomains", "user@example.test", "Guards:InternalDomains: 'user@example.test'")]
    [InlineData("Guards:AllowedRecipientDomains", "*", "Guards:AllowedRecipientDomains: '*'")]
    [InlineData("Guards:MaxRecipients", "0", "Guards:MaxRecipients")]
    [InlineData("Guards:MaxPerHour", "0", "Guards:MaxPerHour")]
    [InlineData("Guards:MaxPerDay", "100000", "Guards:MaxPerDay")]
    [InlineData("Guards:Tools:email_sned:PerHour", "3", "Guards:Tools:email_sned is not a send tool")]
    [InlineData("Guards:Tools:email_send:PerDay", "-1", "Guards:Tools:email_send:PerDay")]
    [InlineData("Guards:StorePath", "relative/sends.json", "Guards:StorePath")]
    [InlineData("Guards:AllowBcc", "yes", "Guards:AllowBcc")]
    public void Options_BadSetting_IsNamed(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var e = Assert.Throws<ConfigurationException>(() => GuardOptions.FromConfiguration(configuration));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults()
    {
        GuardOptions options = GuardOptions.FromConfiguration(new ConfigurationBuilder().Build());
        Assert.Empty(options.AllowedRecipientDomains);
        Assert.True(options.ConfirmInternal);
        Assert.False(options.AllowBcc);
        Assert.False(options.AuditDomainsOnly);
        Assert.Equal((20, 20, 100), (options.MaxRecipients, options.MaxPerHour, options.MaxPerDay));
        Assert.EndsWith(Path.Combine("mcp-communication", "sends.json"), options.LedgerFile(), StringComparison.Ordinal);
    }
}

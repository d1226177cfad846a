using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Shared.Text;

namespace McpServers.Shared.Tests.Text;

public sealed class TextHelpersTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("tab\tand\nnewline\r\n", "tab\tand\nnewline\r\n")]
    [InlineData("evil\u202Etxt.exe", "eviltxt.exe")]            // right-to-left override
    [InlineData("a\u2066b\u2069c", "abc")]                       // bidi isolates
    [InlineData("zero\u200Bwidth\uFEFF", "zerowidth")]           // zero-width space, BOM
    [InlineData("bell\u0007esc\u001B[31m", "bellesc[31m")]       // terminal control characters
    [InlineData("emoji 😀 ok", "emoji 😀 ok")]
    [InlineData("", "")]
    public void Clean_RemovesControlAndBidiCharacters(string input, string expected) =>
        Assert.Equal(expected, TextHygiene.Clean(input));

    [Fact]
    public void Truncate_NeverSplitsASurrogatePair()
    {
        string text = "ab😀cd";
        string cut = TextHygiene.Truncate(text, 4);
        Assert.Equal("ab…", cut);
        Assert.Equal("ab😀…", TextHygiene.Truncate(text, 5));
        Assert.Equal(text, TextHygiene.Truncate(text, 10));
    }

    [Fact]
    public void Cursor_RoundTripsWithinItsScope()
    {
        string cursor = OpaqueCursor.Encode("db_query:abc", "offset=100");
        Assert.Equal("offset=100", OpaqueCursor.Decode("db_query:abc", cursor));
    }

    [Theory]
    [InlineData("other-scope")]
    [InlineData(null)]
    public void Cursor_IsRejectedInAnotherScopeOrWhenEdited(string? otherScope)
    {
        string cursor = OpaqueCursor.Encode("db_query:abc", "offset=100");
        string presented = otherScope is null ? OpaqueCursor.Encode("db_query:abc", "offset=999")[..^2] + cursor[^2..] : cursor;
        string scope = otherScope ?? "db_query:abc";

        var error = Assert.Throws<ToolInputException>(() => OpaqueCursor.Decode(scope, presented));
        Assert.Contains("without `cursor`", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-cursor")]
    [InlineData("....")]
    public void Cursor_GarbageIsRejected(string garbage) =>
        Assert.False(OpaqueCursor.TryDecode("s", garbage, out _));

    [Fact]
    public void Truncation_NoticeSaysWhatWasShownAndHowToContinue()
    {
        Assert.Equal(string.Empty, Truncation.None(5).Notice());
        string notice = Truncation.Cut(100, 2345, "abc", "row limit 100").Notice();
        Assert.Contains("showing 100 of 2345", notice, StringComparison.Ordinal);
        Assert.Contains("row limit 100", notice, StringComparison.Ordinal);
        Assert.Contains("cursor", notice, StringComparison.Ordinal);
        Assert.Contains("Narrow", Truncation.Cut(10, null, null, "response size").Notice(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("password", true)]
    [InlineData("db_password", true)]
    [InlineData("api_key", true)]
    [InlineData("apiKey", true)]
    [InlineData("Jira:ApiToken", true)]
    [InlineData("Service:SignInEncryptionKey", true)]
    [InlineData("ConnectionString", true)]
    [InlineData("DatabaseUrl", true)]
    [InlineData("client_secret", true)]
    [InlineData("key", true)]
    [InlineData("Authorization", true)]
    [InlineData("issue_key", false)]
    [InlineData("project", false)]
    [InlineData("Jira:TokenUrl", false)]
    [InlineData("Confirmation:AllowToken", false)]
    [InlineData("Slack:BotToken", true)]
    [InlineData("message", false)]
    [InlineData("next_page", false)]
    public void SecretNames_RecogniseSecretLookingNames(string name, bool secret) =>
        Assert.Equal(secret, SecretNames.IsSecret(name));

    [Fact]
    public void Redactor_MasksPasswordsInsideConnectionStringsAndUrls()
    {
        var redactor = new SecretRedactor();
        redactor.Add("Host=db;Username=app;Password=pa55word!;Database=sales");
        redactor.Add("postgres://app:s%40cret99@db.internal/sales");

        Assert.Equal("failed with ***", redactor.Redact("failed with pa55word!"));
        Assert.Equal("auth *** and ***", redactor.Redact("auth s@cret99 and s%40cret99"));
        Assert.Equal("short", redactor.Redact("short"));
    }
}

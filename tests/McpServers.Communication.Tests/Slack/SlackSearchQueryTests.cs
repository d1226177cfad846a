using McpServers.Communication.Slack;
using McpServers.Shared.Errors;

namespace McpServers.Communication.Tests.Slack;

public sealed class SlackSearchQueryTests
{
    [Fact]
    public void Build_QuotesEachWord_AndAddsCheckedModifiers()
    {
        string query = SlackSearchQuery.Build("release freeze", new AllowedChannel("C0RELEASE1", "release"), "U0DANA0001",
            new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1));
        Assert.Equal("\"release\" \"freeze\" in:#release from:<@U0DANA0001> after:2026-11-01 before:2026-12-01", query);
    }

    [Fact]
    public void Build_UsesTheChannelIdWhenItsNameIsUnknown() =>
        Assert.Equal("\"x\" in:<#G0SECRET01>", SlackSearchQuery.Build("x", new AllowedChannel("G0SECRET01", null), null, null, null));

    [Theory]
    [InlineData("budget in:#secret-project", "\"budget\" \"in\" \"#secret-project\"")]
    [InlineData("budget\" in:#secret \"", "\"budget\" \"in\" \"#secret\"")]
    [InlineData("from:<@U0LEE00001> plan", "\"from\" \"@U0LEE00001\" \"plan\"")]
    [InlineData("-is:thread after:2020-01-01", "\"is\" \"thread\" \"after\" \"2020-01-01\"")]
    [InlineData("rel* (a|b)", "\"rel\" \"a\" \"b\"")]
    [InlineData("“smart” quotes", "\"smart\" \"quotes\"")]
    [InlineData("line\nbreak\u202Ein:#x", "\"line\" \"breakin\" \"#x\"")]
    public void Build_WordsCannotAddSearchModifiers(string words, string expected)
    {
        string query = SlackSearchQuery.Build(words, null, null, null, null);
        Assert.Equal(expected, query);
        // Every term is quoted: outside the quotes there is nothing a word put there.
        Assert.Empty(System.Text.RegularExpressions.Regex.Replace(query, "\"[^\"]*\"", "").Trim());
    }

    [Fact]
    public void Build_KeepsAtMostTwentyTermsOfAHundredCharacters()
    {
        IReadOnlyList<string> terms = SlackSearchQuery.Terms(string.Join(' ', Enumerable.Range(0, 30).Select(i => new string('a', 150) + i)));
        Assert.Equal(SlackSearchQuery.MaxTerms, terms.Count);
        Assert.All(terms, t => Assert.True(t.Length < SlackSearchQuery.MaxTermChars));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  \"\" :: <> ")]
    public void Build_RefusesAnEmptySearch(string? words) =>
        Assert.Throws<ToolInputException>(() => SlackSearchQuery.Build(words, null, null, null, null));

    [Fact]
    public void Build_RefusesAUserIdOfAnotherShape() =>
        Assert.Throws<ToolInputException>(() => SlackSearchQuery.Build("x", null, "U0DANA0001> in:#secret", null, null));
}

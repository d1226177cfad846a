using McpServers.Documents.Backend;
using McpServers.Documents.Backend.Confluence;
using McpServers.Shared.Errors;

namespace McpServers.Documents.Tests.Confluence;

public sealed class CqlTests
{
    private static readonly string[] Allowed = ["ENG", "HR"];

    [Fact]
    public void Build_AndsWordsWithTheSpaceAllowlist()
    {
        string cql = Cql.Build(new DocumentQuery { Words = "per diem" }, Allowed, null);

        Assert.Equal("type = page AND space IN (\"ENG\",\"HR\") AND text ~ \"per diem\"", cql);
    }

    [Fact]
    public void Build_AddsScopeAndModifiedRange()
    {
        var query = new DocumentQuery
        {
            Words = "policy",
            ModifiedFrom = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
            ModifiedBefore = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero),
        };

        Assert.Equal("type = page AND space IN (\"ENG\",\"HR\") AND space = \"ENG\" AND text ~ \"policy\" AND lastmodified >= \"2026-03-01\" AND lastmodified < \"2026-04-01\"",
            Cql.Build(query, Allowed, new CqlScope("ENG", null)));
        Assert.Equal("type = page AND space IN (\"ENG\",\"HR\") AND ancestor = \"102\" AND text ~ \"policy\" AND lastmodified >= \"2026-03-01\" AND lastmodified < \"2026-04-01\"",
            Cql.Build(query, Allowed, new CqlScope(null, "102")));
    }

    // Every attempt stays one quoted literal: the allowlist clause is untouched and nothing follows the literal.
    [Theory]
    [InlineData("\" OR space = \"X", "\"\\\" OR space = \\\"X\"")]
    [InlineData("x\") OR (space = \"SECRET", "\"x\\\") OR (space = \\\"SECRET\"")]
    [InlineData("back\\slash\\", "\"back\\\\slash\\\\\"")]
    [InlineData("\\\" OR type = blogpost", "\"\\\\\\\" OR type = blogpost\"")]
    [InlineData("fuzzy~ wild* ? AND NOT", "\"fuzzy~ wild* ? AND NOT\"")]
    [InlineData("line\nbreak\r\tand\u0000nul", "\"line break  and nul\"")]
    [InlineData("\u201Csmart\u201D \u2018quotes\u2019", "\"\u201Csmart\u201D \u2018quotes\u2019\"")]
    [InlineData("ORDER BY created", "\"ORDER BY created\"")]
    public void Quote_KeepsEveryInputOneLiteral(string words, string literal)
    {
        string cql = Cql.Build(new DocumentQuery { Words = words }, Allowed, null);

        Assert.Equal("type = page AND space IN (\"ENG\",\"HR\") AND text ~ " + literal, cql);
        FakeQuery? parsed = FakeConfluence.Parse(cql);
        Assert.NotNull(parsed);
        Assert.Equal(["ENG", "HR"], parsed.Spaces);
        Assert.Null(parsed.Space);
    }

    [Fact]
    public void Quote_EscapesInjectionInTheScopeValues()
    {
        string cql = Cql.Build(new DocumentQuery { Words = "a" }, Allowed, new CqlScope("ENG\" OR space = \"SECRET", "1\" OR ancestor = \"2"));

        FakeQuery parsed = FakeConfluence.Parse(cql)!;
        Assert.Equal("ENG\" OR space = \"SECRET", parsed.Space);
        Assert.Equal("1\" OR ancestor = \"2", parsed.Ancestor);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Build_RefusesEmptyWords(string words)
    {
        var e = Assert.Throws<ToolInputException>(() => Cql.Build(new DocumentQuery { Words = words }, Allowed, null));
        Assert.Contains("`query`", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RefusesOverlongWords() =>
        Assert.Throws<ToolInputException>(() => Cql.Build(new DocumentQuery { Words = new string('a', Cql.MaxWordsChars + 1) }, Allowed, null));
}

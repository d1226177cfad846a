using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Ticketing.Backend;

namespace McpServers.Ticketing.Tests.Backend;

public sealed class MarkupTests
{
    private const string Markdown = "# Title\n\nSome **bold**, _em_, `code` and [link](https://x.example/a).\n\n- one\n- two\n\n1. first\n2. second\n\n```cs\nvar x = 1;\n```\n\n> quoted\n\n---";

    [Fact]
    public void Markdown_RoundTripsThroughAdf()
    {
        JsonObject adf = Adf.FromMarkdown(Markdown);
        Assert.Equal("doc", adf["type"]!.GetValue<string>());
        Assert.Equal(1, adf["version"]!.GetValue<int>());

        string back = Adf.ToMarkdown(JsonDocument.Parse(adf.ToJsonString()).RootElement);

        Assert.Equal(Markdown, back);
    }

    [Fact]
    public void Markdown_RoundTripsThroughWikiMarkup()
    {
        string wiki = WikiMarkup.FromMarkdown(Markdown);
        Assert.Contains("h1. Title", wiki, StringComparison.Ordinal);
        Assert.Contains("*bold*", wiki, StringComparison.Ordinal);
        Assert.Contains("{{code}}", wiki, StringComparison.Ordinal);
        Assert.Contains("[link|https://x.example/a]", wiki, StringComparison.Ordinal);
        Assert.Contains("{code:cs}\nvar x = 1;\n{code}", wiki, StringComparison.Ordinal);

        string back = WikiMarkup.ToMarkdown(wiki);

        Assert.Contains("# Title", back, StringComparison.Ordinal);
        Assert.Contains("**bold**", back, StringComparison.Ordinal);
        Assert.Contains("`code`", back, StringComparison.Ordinal);
        Assert.Contains("[link](https://x.example/a)", back, StringComparison.Ordinal);
        Assert.Contains("- one\n- two", back, StringComparison.Ordinal);
        Assert.Contains("1. first\n1. second", back, StringComparison.Ordinal);
        Assert.Contains("```cs\nvar x = 1;\n```", back, StringComparison.Ordinal);
    }

    [Fact]
    public void Adf_UnknownNodesKeepTheirTextAndEmptyTablesDoNotFail()
    {
        JsonElement doc = JsonDocument.Parse("""
            {"type":"doc","version":1,"content":[
              {"type":"futureNode","content":[{"type":"paragraph","content":[{"type":"text","text":"kept"}]}]},
              {"type":"table"},
              {"type":"paragraph","content":[{"type":"mention","attrs":{"id":"1","text":"@Ann"}},{"type":"hardBreak"},{"type":"inlineCard","attrs":{"url":"https://x.example"}}]}]}
            """).RootElement;

        Assert.Equal("kept\n\n\n@Ann\nhttps://x.example", Adf.ToMarkdown(doc));
    }
}

using McpServers.Documents.Backend.Confluence;

namespace McpServers.Documents.Tests.Confluence;

public sealed class RenderingTests
{
    [Theory]
    [InlineData("<p>Hello <strong>bold</strong> and <em>it</em>.</p>", "Hello **bold** and *it*.")]
    [InlineData("<h2>Title</h2><p>Text</p>", "## Title\n\nText")]
    [InlineData("<ul><li>one</li><li>two<ul><li>deep</li></ul></li></ul>", "- one\n- two\n  - deep")]
    [InlineData("<ol><li><p>first</p></li><li>second</li></ol>", "1. first\n2. second")]
    [InlineData("<table><tbody><tr><th>A</th><th>B</th></tr><tr><td>1|2</td><td>x</td></tr></tbody></table>", "| A | B |\n| --- | --- |\n| 1\\|2 | x |")]
    [InlineData("<ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"language\">cs</ac:parameter><ac:plain-text-body><![CDATA[var x = \"<a>\";]]></ac:plain-text-body></ac:structured-macro>", "```cs\nvar x = \"<a>\";\n```")]
    [InlineData("<ac:structured-macro ac:name=\"warning\"><ac:parameter ac:name=\"title\">Careful</ac:parameter><ac:rich-text-body><p>Hot</p></ac:rich-text-body></ac:structured-macro>", "> **Warning — Careful:** Hot")]
    [InlineData("<ac:structured-macro ac:name=\"info\"><ac:rich-text-body><p>Note this</p></ac:rich-text-body></ac:structured-macro>", "> **Info:** Note this")]
    [InlineData("<p><ac:image><ri:attachment ri:filename=\"chart.png\" /></ac:image></p>", "[image: chart.png]")]
    [InlineData("<p><ac:image><ri:url ri:value=\"https://example.com/a.png\" /></ac:image></p>", "[image: https://example.com/a.png]")]
    [InlineData("<p><ac:link><ri:attachment ri:filename=\"plan.pdf\" /></ac:link></p>", "[attachment: plan.pdf]")]
    [InlineData("<p><ac:link><ri:page ri:content-title=\"Other page\" /></ac:link></p>", "Other page")]
    [InlineData("<ac:structured-macro ac:name=\"toc\" />", "[macro: toc]")]
    [InlineData("<ac:structured-macro ac:name=\"mystery\"><ac:rich-text-body><p>kept</p></ac:rich-text-body></ac:structured-macro>", "[macro: mystery]\n\nkept")]
    [InlineData("<p>a&nbsp;b &eacute; &amp; &lt;tag&gt; &bogus;</p>", "a b é & <tag> &bogus;")]
    [InlineData("<p><a href=\"javascript:alert(1)\">click</a> <a href=\"https://x.test/a b\">web</a></p>", "click [web](https://x.test/a%20b)")]
    [InlineData("<p>line<br/>next</p>", "line\nnext")]
    [InlineData("<ac:task-list><ac:task><ac:task-status>complete</ac:task-status><ac:task-body>done</ac:task-body></ac:task><ac:task><ac:task-status>incomplete</ac:task-status><ac:task-body>todo</ac:task-body></ac:task></ac:task-list>", "- [x] done\n- [ ] todo")]
    [InlineData("<pre>x ```y```</pre>", "````\nx ```y```\n````")]
    [InlineData("<blockquote><p>quoted</p></blockquote><hr/>", "> quoted\n\n---")]
    [InlineData("<p>not closed <b>", "not closed")]
    public void StorageFormat_RendersCompactMarkdown(string storage, string markdown) =>
        Assert.Equal(markdown, StorageFormat.ToMarkdown(storage));

    [Fact]
    public void StorageFormat_NestedDeeperThanAnyLayout_IsReadAsTextNotAStackOverflow()
    {
        const int levels = 100_000;
        string storage = string.Concat(Enumerable.Repeat("<div>", levels)) + "deep text" + string.Concat(Enumerable.Repeat("</div>", levels));

        Assert.Equal("deep text", StorageFormat.ToMarkdown(storage).Trim());
    }

    [Fact]
    public void MarkdownToStorage_QuotesNestedPastTheCap_StayQuotedText()
    {
        string storage = MarkdownToStorage.Convert(new string('>', 30_000) + " x");

        int opened = storage.Split("<blockquote>").Length - 1;
        Assert.Equal(MarkdownToStorage.MaxQuoteDepth, opened);
        Assert.Contains("&gt;", storage, StringComparison.Ordinal);
        Assert.EndsWith(string.Concat(Enumerable.Repeat("</blockquote>", opened)), storage, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageFormat_NeverReadsADocumentTypeDefinition()
    {
        string storage = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><p>&e;</p>";

        Assert.DoesNotContain("root:", StorageFormat.ToMarkdown(storage), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"doc","content":[{"type":"heading","attrs":{"level":3},"content":[{"type":"text","text":"H"}]}]}""", "### H")]
    [InlineData("""{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"b","marks":[{"type":"strong"}]},{"type":"text","text":" "},{"type":"text","text":"l","marks":[{"type":"link","attrs":{"href":"https://x.test"}}]}]}]}""", "**b** [l](https://x.test)")]
    [InlineData("""{"type":"doc","content":[{"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]}]},{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}]}]}""", "- a\n- b")]
    [InlineData("""{"type":"doc","content":[{"type":"codeBlock","attrs":{"language":"sql"},"content":[{"type":"text","text":"select 1"}]}]}""", "```sql\nselect 1\n```")]
    [InlineData("""{"type":"doc","content":[{"type":"panel","attrs":{"panelType":"note"},"content":[{"type":"paragraph","content":[{"type":"text","text":"n"}]}]}]}""", "> **Note:** n")]
    [InlineData("""{"type":"doc","content":[{"type":"table","content":[{"type":"tableRow","content":[{"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"K"}]}]}]},{"type":"tableRow","content":[{"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"v"}]}]}]}]}]}""", "| K |\n| --- |\n| v |")]
    [InlineData("""{"type":"doc","content":[{"type":"mediaSingle","content":[{"type":"media","attrs":{"type":"file","id":"abc","alt":"photo.jpg"}}]}]}""", "[attachment: photo.jpg]")]
    [InlineData("""{"type":"doc","content":[{"type":"extension","attrs":{"extensionKey":"toc"}}]}""", "[macro: toc]")]
    [InlineData("""{"type":"doc","content":[{"type":"strangeNode","content":[{"type":"text","text":"kept"}]}]}""", "kept")]
    public void AdfFormat_RendersCompactMarkdown(string adf, string markdown) =>
        Assert.Equal(markdown, AdfFormat.ToMarkdown(adf));

    [Fact]
    public void AdfFormat_NotJson_IsAnInvalidOperation() =>
        Assert.Throws<InvalidOperationException>(() => AdfFormat.ToMarkdown("<p>no</p>"));

    [Theory]
    [InlineData("# Title", "<h1>Title</h1>")]
    [InlineData("Hello **bold** *it* `code` [link](https://x.test/?a=1&b=2)", "<p>Hello <strong>bold</strong> <em>it</em> <code>code</code> <a href=\"https://x.test/?a=1&amp;b=2\">link</a></p>")]
    [InlineData("- a\n- b\n\n1. one\n2. two", "<ul><li>a</li><li>b</li></ul><ol><li>one</li><li>two</li></ol>")]
    [InlineData("| A | B |\n| --- | --- |\n| 1 | 2 |", "<table><tbody><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></tbody></table>")]
    [InlineData("```python\nprint(1)\n```", "<ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"language\">python</ac:parameter><ac:plain-text-body><![CDATA[print(1)]]></ac:plain-text-body></ac:structured-macro>")]
    [InlineData("> quoted", "<blockquote><p>quoted</p></blockquote>")]
    [InlineData("---", "<hr />")]
    [InlineData("line one\nline two", "<p>line one line two</p>")]
    [InlineData("[bad](javascript:alert(1))", "<p>[bad](javascript:alert(1))</p>")]
    public void MarkdownToStorage_ConvertsTheSubset(string markdown, string storage) =>
        Assert.Equal(storage, MarkdownToStorage.Convert(markdown));

    [Theory]
    [InlineData("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")]
    [InlineData("<ac:structured-macro ac:name=\"html\"><ac:plain-text-body><![CDATA[<b>x</b>]]></ac:plain-text-body></ac:structured-macro>",
        "<p>&lt;ac:structured-macro ac:name=&quot;html&quot;&gt;&lt;ac:plain-text-body&gt;&lt;![CDATA[&lt;b&gt;x&lt;/b&gt;]]&gt;&lt;/ac:plain-text-body&gt;&lt;/ac:structured-macro&gt;</p>")]
    [InlineData("end ]]> here", "<p>end ]]&gt; here</p>")]
    [InlineData("# <img src=x onerror=alert(1)>", "<h1>&lt;img src=x onerror=alert(1)&gt;</h1>")]
    [InlineData("**<b>**", "<p><strong>&lt;b&gt;</strong></p>")]
    [InlineData("[<i>x</i>](https://x.test/\"onmouseover=\")", "<p><a href=\"https://x.test/&quot;onmouseover=&quot;\">&lt;i&gt;x&lt;/i&gt;</a></p>")]
    public void MarkdownToStorage_WritesMarkupAsText(string markdown, string storage) =>
        Assert.Equal(storage, MarkdownToStorage.Convert(markdown));

    [Fact]
    public void MarkdownToStorage_SplitsCdataEndInsideCode()
    {
        string storage = MarkdownToStorage.Convert("```\na ]]> <ac:structured-macro ac:name=\"x\"/>\n```");

        Assert.Equal("<ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[a ]]]]><![CDATA[> <ac:structured-macro ac:name=\"x\"/>]]></ac:plain-text-body></ac:structured-macro>", storage);
        // Read back, the code is exactly what was written, and there is one macro only: the code macro.
        Assert.Equal("```\na ]]> <ac:structured-macro ac:name=\"x\"/>\n```", StorageFormat.ToMarkdown(storage));
    }

    [Fact]
    public void MarkdownToStorage_RoundTripsThroughTheReader()
    {
        const string markdown = "## Plan\n\nShip **v2** on time.\n\n- build\n- test\n\n| K | V |\n| --- | --- |\n| a | b |";

        Assert.Equal(markdown, StorageFormat.ToMarkdown(MarkdownToStorage.Convert(markdown)));
    }
}

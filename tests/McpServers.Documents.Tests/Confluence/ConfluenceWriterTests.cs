using System.Text.Json.Nodes;
using McpServers.Documents.Backend;
using McpServers.Documents.Backend.Confluence;
using McpServers.Shared.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Documents.Tests.Confluence;

public sealed class ConfluenceWriterTests
{
    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Create_InAWritableSpaceSendsStorageFormat(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        PageWritten written = await h.Writer.CreatePageAsync(new PageWrite(null, "confluence:space:ENG", "New page", "# Hi\n\n<script>x</script>", null), ConfluenceHarness.Ct);

        FakePage page = h.Fake.PagesTitled("New page").Single();
        Assert.Equal("confluence:" + page.Id, written.Id);
        Assert.Equal("1", written.Version);
        Assert.Equal("ENG", page.Space);
        Assert.Equal("<h1>Hi</h1><p>&lt;script&gt;x&lt;/script&gt;</p>", page.Versions[0].Storage);
        JsonNode body = JsonNode.Parse(h.Fake.Requests.Single(r => r.Method == "POST").Body)!;
        if (flavor == ConfluenceFlavor.Cloud)
        {
            Assert.Equal("1001", body["spaceId"]!.GetValue<string>());
            Assert.Equal("storage", body["body"]!["representation"]!.GetValue<string>());
            Assert.Null(body["parentId"]);
        }
        else
        {
            Assert.Equal("page", body["type"]!.GetValue<string>());
            Assert.Equal("ENG", body["space"]!["key"]!.GetValue<string>());
            Assert.Equal("storage", body["body"]!["storage"]!["representation"]!.GetValue<string>());
        }
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Create_UnderAParentPage(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        await h.Writer.CreatePageAsync(new PageWrite(null, "confluence:100", "Child", "text", null), ConfluenceHarness.Ct);

        Assert.Equal("100", h.Fake.PagesTitled("Child").Single().Parent);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Create_InAReadOnlySpaceIsRefusedNamingTheWritableOnes(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        var e = await Assert.ThrowsAsync<ToolInputException>(() =>
            h.Writer.CreatePageAsync(new PageWrite(null, "confluence:space:HR", "New", "x", null), ConfluenceHarness.Ct));
        var below = await Assert.ThrowsAsync<ToolInputException>(() =>
            h.Writer.CreatePageAsync(new PageWrite(null, "confluence:102", "New", "x", null), ConfluenceHarness.Ct));

        Assert.Contains("Space HR is read-only", e.Message, StringComparison.Ordinal);
        Assert.Contains("ENG", e.Message, StringComparison.Ordinal);
        Assert.Contains("Space HR is read-only", below.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Fake.Requests, r => r.Method is "POST" or "PUT");
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Create_OutsideTheAllowlistIsNotFound(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor, s => s["Confluence:WritableSpaces"] = "ENG");

        var e = await Assert.ThrowsAsync<BackendException>(() =>
            h.Writer.CreatePageAsync(new PageWrite(null, "confluence:space:SECRET", "New", "x", null), ConfluenceHarness.Ct));

        Assert.Equal(BackendErrorKind.NotFound, e.Kind);
        Assert.DoesNotContain(h.Fake.Requests, r => r.Method is "POST" or "PUT");
    }

    [Fact]
    public async Task Create_WithoutWritableSpacesIsRefused()
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.Cloud, s => s["Confluence:WritableSpaces"] = null);

        var e = await Assert.ThrowsAsync<ToolInputException>(() =>
            h.Writer.CreatePageAsync(new PageWrite(null, "confluence:space:ENG", "New", "x", null), ConfluenceHarness.Ct));

        Assert.Contains("no space", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Update_AgainstTheCurrentVersionWritesTheNextOne(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        PageWritten written = await h.Writer.UpdatePageAsync(new PageWrite("confluence:100", null, "Travel policy", "Per-diem is **70 EUR**.", "3"), ConfluenceHarness.Ct);

        Assert.Equal("4", written.Version);
        Assert.Equal("<p>Per-diem is <strong>70 EUR</strong>.</p>", h.Fake.Page("100").Versions[^1].Storage);
        JsonNode body = JsonNode.Parse(h.Fake.Requests.Single(r => r.Method == "PUT").Body)!;
        Assert.Equal(4, body["version"]!["number"]!.GetValue<int>());
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Update_AgainstAStaleVersionIsRefusedWithTheCurrentNumber(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        var e = await Assert.ThrowsAsync<ToolInputException>(() =>
            h.Writer.UpdatePageAsync(new PageWrite("confluence:100", null, "Travel policy", "x", "2"), ConfluenceHarness.Ct));

        Assert.Contains("is at version 3, not 2", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Fake.Requests, r => r.Method == "PUT");
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Update_AVersionSavedAfterTheCheckIsRefusedByConfluenceWithTheCurrentNumber(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);
        h.Fake.SomeoneSavesBeforeNextUpdate = "<p>theirs</p>";

        var e = await Assert.ThrowsAsync<ToolInputException>(() =>
            h.Writer.UpdatePageAsync(new PageWrite("confluence:100", null, "Travel policy", "mine", "3"), ConfluenceHarness.Ct));

        Assert.Contains("is at version 4, not 3", e.Message, StringComparison.Ordinal);
        Assert.Single(h.Fake.Requests, r => r.Method == "PUT");
        Assert.Equal("<p>theirs</p>", h.Fake.Page("100").Versions[^1].Storage);
    }

    [Fact]
    public async Task Check_PreviewsAnUpdateWithTheCurrentVersion()
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.DataCenter);

        WritePreview preview = await h.Writer.CheckAsync(new PageWrite("confluence:100", null, "Travel policy", "x", "3"), ConfluenceHarness.Ct);

        Assert.Equal(new WritePreview("update page", "Engineering (ENG)", "Travel policy", "3"), preview);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("three")]
    public async Task Update_NeedsANumericBaseVersion(string? baseVersion)
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.Cloud);

        var e = await Assert.ThrowsAsync<ToolInputException>(() =>
            h.Writer.UpdatePageAsync(new PageWrite("confluence:100", null, "T", "x", baseVersion), ConfluenceHarness.Ct));

        Assert.Contains("base_version", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Update_InAReadOnlySpaceIsRefused(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        await Assert.ThrowsAsync<ToolInputException>(() =>
            h.Writer.UpdatePageAsync(new PageWrite("confluence:102", null, "Onboarding", "x", "1"), ConfluenceHarness.Ct));
        Assert.DoesNotContain(h.Fake.Requests, r => r.Method == "PUT");
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task Comment_IsAFooterCommentInStorageFormat(ConfluenceFlavor flavor)
    {
        await using var h = await ConfluenceHarness.StartAsync(flavor);

        PageWritten written = await h.Writer.AddCommentAsync("confluence:100", "Looks *good* ]]>", ConfluenceHarness.Ct);

        Assert.Equal("confluence:100", written.Id);
        var post = h.Fake.Requests.Single(r => r.Method == "POST");
        JsonNode body = JsonNode.Parse(post.Body)!;
        if (flavor == ConfluenceFlavor.Cloud)
        {
            Assert.Equal("/wiki/api/v2/footer-comments", post.Path);
            Assert.Equal("100", body["pageId"]!.GetValue<string>());
            Assert.Equal("<p>Looks <em>good</em> ]]&gt;</p>", body["body"]!["value"]!.GetValue<string>());
        }
        else
        {
            Assert.Equal("/rest/api/content", post.Path);
            Assert.Equal("comment", body["type"]!.GetValue<string>());
            Assert.Equal("100", body["container"]!["id"]!.GetValue<string>());
            Assert.Equal("<p>Looks <em>good</em> ]]&gt;</p>", body["body"]!["storage"]!["value"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Comment_OnAPageOutsideTheAllowlistIsNotFound()
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.Cloud);

        await Assert.ThrowsAsync<BackendException>(() => h.Writer.AddCommentAsync("confluence:200", "hi", ConfluenceHarness.Ct));
        Assert.DoesNotContain(h.Fake.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task Check_PreviewsACreate()
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.Cloud);

        WritePreview preview = await h.Writer.CheckAsync(new PageWrite(null, "confluence:100", " Child ", "x", null), ConfluenceHarness.Ct);

        Assert.Equal(new WritePreview("create page", "Engineering (ENG) / Travel policy", "Child", null), preview);
        Assert.DoesNotContain(h.Fake.Requests, r => r.Method == "POST");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Check_RefusesAnEmptyTitle(string title)
    {
        await using var h = await ConfluenceHarness.StartAsync(ConfluenceFlavor.Cloud);

        await Assert.ThrowsAsync<ToolInputException>(() => h.Writer.CheckAsync(new PageWrite(null, "confluence:space:ENG", title, "x", null), ConfluenceHarness.Ct));
    }
}

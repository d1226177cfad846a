using System.Text.Json;
using McpServers.Documents.Tests.SharePoint;
using McpServers.Testing.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Documents.Tests.Server;

/// <summary>
/// The whole server configured with SharePoint only (an app registration, client credentials) in front of the
/// loopback Graph: the read tools answer through MCP, the allowlist holds there too, and SharePoint stays read-only.
/// </summary>
public sealed class DocumentsSharePointServerTests : IAsyncLifetime
{
    private readonly FakeGraph _graph = new();
    private InMemoryMcpServer? _host;
    private McpClient? _client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private McpClient Client => _client!;

    public async ValueTask InitializeAsync()
    {
        await _graph.StartAsync(Ct);
        Dictionary<string, string?> settings = _graph.Configuration();
        settings["Documents:TimeZone"] = "UTC";
        settings["Policy:ReadOnly"] = "false";
        _host = new InMemoryMcpServer((s, c) => s.AddDocumentsServer(c), settings);
        _client = await _host.ConnectAsync(cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _graph.DisposeAsync();
    }

    private async Task<(JsonElement Content, string Text)> OkAsync(string tool, Dictionary<string, object?> arguments)
    {
        CallToolResult result = await Client.CallToolAsync(tool, arguments, cancellationToken: Ct);
        string text = string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));
        Assert.True(result.IsError != true, text);
        return (result.StructuredContent!.Value, text);
    }

    private static string[] Ids(JsonElement content, string list, string property = "id") =>
        [.. content.GetProperty(list).EnumerateArray().Select(e => e.GetProperty(property).GetString()!)];

    [Fact]
    public async Task Search_FindsTheAllowedLibrariesHitsOnly()
    {
        (JsonElement found, string text) = await OkAsync("docs_search", new() { ["words"] = "per-diem", ["max_results"] = 3 });

        Assert.Equal(["sharepoint:b!policies/01TRAVEL", "sharepoint:b!archive/01OLD"], Ids(found, "hits"));
        Assert.Equal("The per-diem rate is 50 EUR", found.GetProperty("hits")[0].GetProperty("snippet").GetString());
        Assert.DoesNotContain("salaries", text, StringComparison.Ordinal);
        Assert.Contains(_graph.Requests, r => r.Path == "/v1.0/search/query");
    }

    [Fact]
    public async Task Get_ReadsTheCurrentVersionAsMarkdown_AndAnOlderVersionOnRequest()
    {
        (JsonElement current, string text) = await OkAsync("docs_get", new() { ["id"] = "sharepoint:b!policies/01TRAVEL" });
        (JsonElement older, _) = await OkAsync("docs_get", new() { ["id"] = "sharepoint:b!policies/01TRAVEL", ["version"] = "2.0" });

        Assert.Equal("# Travel policy\n\nThe per-diem is 50 EUR.", current.GetProperty("text").GetString());
        Assert.Equal(("3.0", "markdown", "Policies / Documents / HR Policies"),
            (current.GetProperty("version").GetString(), current.GetProperty("format").GetString(), current.GetProperty("location").GetString()));
        Assert.Contains("Version 3.0", text, StringComparison.Ordinal);
        Assert.Equal("# Travel policy\n\nThe per-diem is 40 EUR.", older.GetProperty("text").GetString());
        Assert.Equal("2.0", older.GetProperty("version").GetString());
        Assert.Contains(_graph.DownloadRequests, r => r.Path == "/download/01TRAVEL-v2.0");
    }

    [Fact]
    public async Task ListVersions_NewestFirstWithAuthors()
    {
        (JsonElement versions, _) = await OkAsync("docs_list_versions", new() { ["id"] = "sharepoint:b!policies/01TRAVEL" });

        Assert.True(versions.GetProperty("keeps_versions").GetBoolean());
        Assert.Equal(["3.0", "2.0", "1.0"], Ids(versions, "versions", "version"));
        Assert.Equal("Jane Doe", versions.GetProperty("versions")[0].GetProperty("author").GetString());
    }

    [Fact]
    public async Task OutsideTheAllowlist_IsRefusedWithoutAskingGraphForIt()
    {
        CallToolResult result = await Client.CallToolAsync("docs_get", new Dictionary<string, object?> { ["id"] = "sharepoint:b!secret/01TRAVEL" }, cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.DoesNotContain(_graph.Requests, r => r.Path.Contains("b!secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SharePointIsReadOnly_NoWriteToolEvenWithWritesAllowed_AndNoSecretInTheLog()
    {
        await OkAsync("docs_get", new() { ["id"] = "sharepoint:b!policies/01TRAVEL" });

        IList<McpClientTool> tools = await Client.ListToolsAsync(cancellationToken: Ct);

        Assert.Equal(["docs_compare_versions", "docs_get", "docs_list", "docs_list_versions", "docs_search"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(FakeGraph.ClientSecret, _host!.DiagnosticLog, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeGraph.AccessToken, _host.DiagnosticLog, StringComparison.Ordinal);
    }
}

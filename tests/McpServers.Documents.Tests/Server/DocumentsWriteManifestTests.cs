using System.Text.Json.Nodes;
using McpServers.Documents.Backend.Confluence;
using McpServers.Documents.Tests.Confluence;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using McpServers.Testing.Conformance;
using McpServers.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Documents.Tests.Server;

/// <summary>
/// Change control for the write tools: the conformance snapshot (documents.tools.json) is the --demo server's, local
/// folders only, which has no write tools. This one is the manifest of a server with Confluence configured and
/// --allow-writes (what <c>mcp-documents --print-tools --allow-writes</c> prints then), every tool included.
/// </summary>
public sealed class DocumentsWriteManifestTests
{
    private const string ReadOnlySnapshot = "tests/McpServers.Documents.Tests/documents.tools.json";
    private const string WritableSnapshot = "tests/McpServers.Documents.Tests/documents.writes.tools.json";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> ManifestAsync()
    {
        await using FakeConfluence confluence = await FakeConfluence.StartAsync(ConfluenceFlavor.Cloud);
        Dictionary<string, string?> settings = confluence.Configuration();
        settings["Policy:ReadOnly"] = "false";
        await using var host = new InMemoryMcpServer((s, c) => s.AddDocumentsServer(c), settings);
        ToolRegistry registry = host.Services.GetRequiredService<ToolRegistry>();
        await registry.WhenReadyAsync(Ct);
        return McpServerHostBuilder.ToolManifest(registry);
    }

    private static Dictionary<string, JsonNode> Tools(string manifest) =>
        JsonNode.Parse(manifest)!["tools"]!.AsArray().ToDictionary(t => t!["name"]!.GetValue<string>(), t => t!);

    [Fact]
    public async Task ToolManifestWithConfluenceAndWritesAllowed_MatchesTheCommittedSnapshot()
    {
        string manifest = await ManifestAsync();

        ManifestSnapshot.AssertMatches(WritableSnapshot, manifest);
    }

    [Fact]
    public async Task ToolManifestWithConfluenceAndWritesAllowed_IsTheReadOnlyOnePlusTheThreeWriteTools()
    {
        Dictionary<string, JsonNode> all = Tools(await ManifestAsync());
        Dictionary<string, JsonNode> readOnly = Tools(File.ReadAllText(Path.Combine(ManifestSnapshot.RepositoryRoot(), ReadOnlySnapshot)));

        Assert.Equal(["docs_add_comment", "docs_create_page", "docs_update_page"], all.Keys.Except(readOnly.Keys).Order(StringComparer.Ordinal));
        Assert.All(readOnly, tool => Assert.True(JsonNode.DeepEquals(tool.Value, all[tool.Key]), $"{tool.Key} differs between the two snapshots."));
        Assert.All(all.Keys.Except(readOnly.Keys), name => Assert.False(all[name]["annotations"]!["readOnlyHint"]!.GetValue<bool>(), name));
    }
}

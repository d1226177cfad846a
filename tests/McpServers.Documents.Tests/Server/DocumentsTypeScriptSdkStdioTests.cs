using System.Text.Json.Nodes;
using McpServers.Testing.TypeScriptClient;

namespace McpServers.Documents.Tests.Server;

/// <summary>mcp-documents --demo driven by the official TypeScript SDK client: search, read by heading, browse.</summary>
public sealed class DocumentsTypeScriptSdkStdioTests : TypeScriptClientStdioTests
{
    protected override Task<TypeScriptClientScenario> StartScenarioAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new TypeScriptClientScenario
        {
            CommandName = "mcp-documents",
            Arguments = ["--demo"],
            Environment = new Dictionary<string, string?>
            {
                ["MCP_DOCUMENTS__Local__IndexPath"] = Path.Combine(DocumentsServerUnderTest.IndexFolder, $"ts-{Guid.NewGuid():N}.db"),
            },
            Reads =
            [
                new("docs_list", []),
                new("docs_get", new JsonObject { ["id"] = "local:Demo/travel-policy.md", ["heading"] = "Per diems" }),
                new("docs_list_versions", new JsonObject { ["id"] = "local:Demo/travel-policy.md" }),
            ],
            Invalid = new("docs_get", new JsonObject { ["id"] = "gdrive:1" }),
            InvalidMessage = "id",
        });
}

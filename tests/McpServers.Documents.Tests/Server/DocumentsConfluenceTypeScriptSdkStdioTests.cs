using System.Text.Json.Nodes;
using McpServers.Documents.Backend.Confluence;
using McpServers.Documents.Tests.Confluence;
using McpServers.Testing.TypeScriptClient;

namespace McpServers.Documents.Tests.Server;

/// <summary>
/// mcp-documents in front of the loopback fake Confluence Cloud, configured through the vendor environment names and
/// driven by the official TypeScript SDK client: a page read, and a comment written through the confirmation token.
/// </summary>
public sealed class DocumentsConfluenceTypeScriptSdkStdioTests : TypeScriptClientStdioTests
{
    protected override async Task<TypeScriptClientScenario> StartScenarioAsync(CancellationToken cancellationToken)
    {
        FakeConfluence confluence = await FakeConfluence.StartAsync(ConfluenceFlavor.Cloud);
        return new TypeScriptClientScenario
        {
            CommandName = "mcp-documents",
            Environment = new Dictionary<string, string?>
            {
                ["CONFLUENCE_URL"] = confluence.BaseUrl.ToString(),
                ["CONFLUENCE_SPACES"] = "ENG,HR",
                ["CONFLUENCE_EMAIL"] = FakeConfluence.Email,
                ["CONFLUENCE_API_TOKEN"] = FakeConfluence.ApiToken,
                ["MCP_DOCUMENTS__Confluence__Flavor"] = "Cloud",
                ["MCP_DOCUMENTS__Confluence__WritableSpaces"] = "ENG",
            },
            Reads =
            [
                new("docs_get", new JsonObject { ["id"] = "confluence:100" }),
                new("docs_list_versions", new JsonObject { ["id"] = "confluence:100" }),
            ],
            Write = new("docs_add_comment", new JsonObject { ["id"] = "confluence:100", ["markdown"] = "Looks good." }),
            BackendWrites = () => confluence.Requests.Count(r => r.Method is "POST" or "PUT"),
            Invalid = new("docs_get", new JsonObject { ["id"] = "gdrive:1" }),
            InvalidMessage = "id",
            Backend = confluence,
        };
    }
}

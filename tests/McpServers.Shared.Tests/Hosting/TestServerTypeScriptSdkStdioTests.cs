using System.Text.Json.Nodes;
using McpServers.Testing.TypeScriptClient;

namespace McpServers.Shared.Tests.Hosting;

/// <summary>mcp-testserver driven by the official TypeScript SDK client: the shared core as an outside client sees it.</summary>
public sealed class TestServerTypeScriptSdkStdioTests : TypeScriptClientStdioTests
{
    protected override Task<TypeScriptClientScenario> StartScenarioAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new TypeScriptClientScenario
        {
            CommandName = "mcp-testserver",
            Reads = [new("test_echo", new JsonObject { ["message"] = "hello", ["count"] = 2 })],
            Write = new("test_write_note", new JsonObject { ["title"] = "Groceries", ["body"] = "milk" }),
            Invalid = new("test_echo", new JsonObject { ["message"] = "hello", ["count"] = 9 }),
            InvalidMessage = "count",
        });
}

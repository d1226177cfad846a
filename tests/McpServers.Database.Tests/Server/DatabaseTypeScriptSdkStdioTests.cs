using System.Text.Json.Nodes;
using McpServers.Testing.TypeScriptClient;

namespace McpServers.Database.Tests.Server;

/// <summary>
/// mcp-database on the SQLite demo, with the declared finance tool, driven by the official TypeScript SDK client.
/// The server has no write tool, which the write test checks instead of a confirmation round trip.
/// </summary>
public sealed class DatabaseTypeScriptSdkStdioTests : TypeScriptClientStdioTests
{
    protected override Task<TypeScriptClientScenario> StartScenarioAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new TypeScriptClientScenario
        {
            CommandName = "mcp-database",
            Arguments = ["--demo", "--declared-tools", DatabaseServerUnderTest.DeclaredToolsFile],
            Reads =
            [
                new("db_query", new JsonObject { ["table"] = "customers", ["limit"] = 3 }),
                new("query_finance_data", new JsonObject { ["metric"] = "revenue", ["period"] = "2026-Q1" }),
            ],
            Invalid = new("db_query", new JsonObject { ["table"] = "customers", ["limit"] = "three" }),
            InvalidMessage = "limit",
        });
}

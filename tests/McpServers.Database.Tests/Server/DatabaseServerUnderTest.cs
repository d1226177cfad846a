using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Database.Backend;
using McpServers.Database.Tests.Backend;
using McpServers.Shared.Hosting;
using McpServers.Testing.Conformance;
using McpServers.Testing.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Database.Tests.Server;

/// <summary>mcp-database as the conformance base sees it: the demo database plus the declared finance tool.</summary>
public sealed class DatabaseServerUnderTest : IConformanceServer
{
    public static string DeclaredToolsFile { get; } = WriteDeclaredTools();

    public ServerIdentity Identity => DatabaseServer.Identity;

    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddDatabaseServer(configuration);

    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Demo"] = "true",
        ["DeclaredToolsFile"] = DeclaredToolsFile,
    };

    public (string Tool, JsonObject Arguments) BackendCall => ("db_list_tables", []);

    public void BreakBackend(IServiceCollection services, Exception failure) =>
        services.AddSingleton<IDatabaseGateway>(new FailingGateway(failure));

    public string CommandName => "mcp-database";

    public IReadOnlyList<string> StdioArguments => ["--demo"];

    public string ManifestSnapshotPath => "tests/McpServers.Database.Tests/database.tools.json";

    /// <summary>An in-memory server with the demo clock (so "this quarter" is fixed) and extra settings.</summary>
    public static InMemoryMcpServer Start(IReadOnlyDictionary<string, string?> settings) =>
        new((s, c) => s.AddDatabaseServer(c), settings, s => s.AddSingleton(DemoClock.Provider));

    private static string WriteDeclaredTools()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mcp-db-declared-{Environment.ProcessId}.json");
        File.WriteAllText(path, DemoTools.FinanceJson);
        return path;
    }

    private sealed class FailingGateway(Exception failure) : IDatabaseGateway
    {
        public Task<TableList> ListTablesAsync(string? schema = null, string? nameContains = null, CancellationToken cancellationToken = default) => throw failure;

        public Task<TableDescription> DescribeTableAsync(string table, CancellationToken cancellationToken = default) => throw failure;

        public Task<QueryResult> QueryAsync(QuerySpec spec, CancellationToken cancellationToken = default) => throw failure;

        public Task<QueryResult> AggregateAsync(AggregateSpec spec, CancellationToken cancellationToken = default) => throw failure;

        public Task<QueryResult> RunDeclaredAsync(DeclaredQuery query, IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken = default) => throw failure;

        public Task<CheckReport> CheckAsync(IReadOnlyList<DeclaredQuery> declaredQueries, CancellationToken cancellationToken = default) => throw failure;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

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

    /// <summary>PostgreSQL broken below the driver: not there, silent past the connect timeout, garbage, hanging up.</summary>
    public IReadOnlyList<BackendFault> BackendFaults { get; } =
    [
        Testing.Conformance.BackendFaults.Closed("a PostgreSQL that is not there (closed port)", PostgresAt),
        Testing.Conformance.BackendFaults.Tcp("a PostgreSQL that never answers, past the connect timeout", TcpFake.Silent, PostgresAt),
        Testing.Conformance.BackendFaults.Tcp("garbage instead of the PostgreSQL protocol", () => TcpFake.Answering(Garbage), PostgresAt),
        Testing.Conformance.BackendFaults.Tcp("a PostgreSQL that hangs up on connect", () => TcpFake.Answering([]), PostgresAt),
        Testing.Conformance.BackendFaults.Tcp("a well-formed PostgreSQL error whose every field (SQLSTATE too) is the canary",
            () => TcpFake.Answering(ErrorResponse(('S', "FATAL"), ('V', "FATAL"), ('C', FaultCanary.Marker), ('M', FaultCanary.Text), ('D', FaultCanary.Text))), PostgresAt),
    ];

    /// <summary>The driver owns its sockets, so the bug is thrown by the gateway itself, generically (no per-method code).</summary>
    public void InjectTransportBug(IServiceCollection services, Exception bug) =>
        TransportBugs.ThrowFromEveryCall<IDatabaseGateway>(services, bug);

    public string CommandName => "mcp-database";

    public IReadOnlyList<string> StdioArguments => ["--demo"];

    public string ManifestSnapshotPath => "tests/McpServers.Database.Tests/database.tools.json";

    /// <summary>An in-memory server with the demo clock (so "this quarter" is fixed) and extra settings.</summary>
    public static InMemoryMcpServer Start(IReadOnlyDictionary<string, string?> settings) =>
        new((s, c) => s.AddDatabaseServer(c), settings, s => s.AddSingleton(DemoClock.Provider));

    private static readonly byte[] Garbage = System.Text.Encoding.UTF8.GetBytes("HTTP/1.1 200 OK\r\n\r\n" + FaultCanary.Text);

    /// <summary>A PostgreSQL ErrorResponse message (protocol 3.0, "Message Formats"): 'E', length, typed C strings, a final zero.</summary>
    private static byte[] ErrorResponse(params (char Type, string Value)[] fields)
    {
        var body = new List<byte>();
        foreach ((char type, string value) in fields)
        {
            body.Add((byte)type);
            body.AddRange(System.Text.Encoding.UTF8.GetBytes(value));
            body.Add(0);
        }

        body.Add(0);
        byte[] length = BitConverter.GetBytes(System.Net.IPAddress.HostToNetworkOrder(body.Count + 4));
        return [(byte)'E', .. length, .. body];
    }

    /// <summary>Settings for a PostgreSQL on a loopback port; a connect timeout of 1 s (the driver's shortest) for the silent one.</summary>
    private static Dictionary<string, string?> PostgresAt(int port) => new()
    {
        ["Demo"] = "false",
        ["ConnectionString"] = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Host=127.0.0.1;Port={port};Username=mcp;Password=s3cr3t-pw;Database=sales;Timeout=1;SSL Mode=Disable"),
    };

    private static string WriteDeclaredTools()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mcp-db-declared-{Environment.ProcessId}.json");
        File.WriteAllText(path, DemoTools.FinanceJson);
        return path;
    }
}

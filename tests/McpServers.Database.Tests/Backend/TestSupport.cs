using System.Text.Json;
using McpServers.Database.Backend;
using McpServers.Database.Options;
using McpServers.Testing.MariaDb;
using McpServers.Testing.Postgres;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace McpServers.Database.Tests.Backend;

/// <summary>The demo data's "today": fixed so every run sees the same quarters.</summary>
internal static class DemoClock
{
    public static readonly DateOnly Today = new(2026, 5, 20);

    public static DateOnly QuarterStart => DemoDatabase.QuarterStart(Today);

    public static TimeProvider Provider { get; } = new FixedTimeProvider(new DateTimeOffset(Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
}

/// <summary>A clock that only answers "today" for the demo generator; elapsed-time checks still advance with real time.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly DateTimeOffset _realStart = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => start + (DateTimeOffset.UtcNow - _realStart);
}

internal static class Json
{
    public static JsonElement Of(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static JsonElement Value<T>(T value) => Of(JsonSerializer.Serialize(value, typeof(T), TestJsonContext.Default));

    public static IReadOnlyDictionary<string, JsonElement> Args(string json) =>
        Of(json).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long))]
[System.Text.Json.Serialization.JsonSerializable(typeof(decimal))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int[]))]
internal sealed partial class TestJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>Declared tools used across the tests, written as an administrator would write the file.</summary>
internal static class DemoTools
{
    public const string FinanceJson = """
        {
          "tools": [
            {
              "name": "query_finance_data",
              "description": "Query the finance data warehouse for reporting data",
              "sql": "SELECT entity, metric, period, amount FROM finance WHERE metric = :metric AND period = :period AND (:entity IS NULL OR entity = :entity) ORDER BY entity",
              "inputSchema": {"type":"object","properties":{"metric":{"type":"string","enum":["revenue","opex","headcount","ebitda"]},"period":{"type":"string","pattern":"^\\d{4}-Q[1-4]$"},"entity":{"type":"string","maxLength":50}},"required":["metric","period"]}
            }
          ]
        }
        """;

    public static DeclaredQuery Finance => DeclaredQueries.Parse(FinanceJson)[0];

    /// <summary>A parameterless declared tool around <paramref name="sql"/>, parsed (and so checked) like the real file.</summary>
    public static DeclaredQuery Probe(string sql, string name = "probe", int? maxRows = null)
    {
        string max = maxRows is { } m ? $",\"maxRows\":{m}" : string.Empty;
        return DeclaredQueries.Parse($$"""{"tools":[{"name":"{{name}}","description":"probe","sql":{{JsonSerializer.Serialize(sql, TestJsonContext.Default.String)}},"inputSchema":{"type":"object"}{{max}}}]}""")[0];
    }
}

/// <summary>Backend-neutral access to one demo database for the shared contract tests.</summary>
public abstract class DemoBackend : IAsyncLifetime
{
    private readonly List<IDatabaseGateway> _gateways = [];

    public abstract string DefaultSchema { get; }

    /// <summary>The gateway with default options (created lazily, reused).</summary>
    public IDatabaseGateway Gateway => field ??= Create(new DatabaseOptions());

    /// <summary>A gateway with other options over the same database (disposed with the fixture).</summary>
    public IDatabaseGateway Create(DatabaseOptions options) => Track(CreateCore(options));

    /// <summary>Disposes <paramref name="gateway"/> with the fixture.</summary>
    protected IDatabaseGateway Track(IDatabaseGateway gateway)
    {
        _gateways.Add(gateway);
        return gateway;
    }

    protected abstract IDatabaseGateway CreateCore(DatabaseOptions options);

    /// <summary>Runs trusted test SQL directly (not through the gateway) and returns the first cell.</summary>
    public abstract Task<object?> ScalarAsync(string sql);

    /// <summary>Row counts and money sums of every demo table, hr included: equal before and after means unchanged.</summary>
    public async Task<string> FingerprintAsync()
    {
        const string hr = "hr.employees";
        var parts = new List<string>();
        foreach (string sql in new[]
        {
            "SELECT count(*) FROM customers", "SELECT count(*) FROM products", "SELECT count(*) FROM invoices",
            "SELECT count(*) FROM invoice_lines", "SELECT count(*) FROM finance", $"SELECT count(*) FROM {hr}",
            "SELECT sum(total) FROM invoices", "SELECT sum(amount) FROM finance", "SELECT max(name) FROM customers",
        })
        {
            parts.Add(Convert.ToString(await ScalarAsync(sql), System.Globalization.CultureInfo.InvariantCulture) ?? "null");
        }

        return string.Join("|", parts);
    }

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        foreach (IDatabaseGateway gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    public virtual void RequireAvailable()
    {
    }
}

/// <summary>What every test class over a <see cref="DemoBackend"/> fixture starts from.</summary>
public abstract class BackendTests<TBackend>(TBackend backend)
    where TBackend : DemoBackend
{
    protected TBackend Backend { get; } = backend;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;
}

/// <summary>The SQLite demo database (main + attached hr), created once per test class in a temp folder.</summary>
public sealed class SqliteDemoBackend : DemoBackend
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mcp-db-tests-" + Guid.NewGuid().ToString("N"));

    public override string DefaultSchema => "main";

    public override ValueTask InitializeAsync()
    {
        SqliteGateway.CreateDemoFiles(_directory, DemoClock.Today);
        return ValueTask.CompletedTask;
    }

    protected override IDatabaseGateway CreateCore(DatabaseOptions options) => SqliteGateway.ForDemoFiles(options, _directory, timeProvider: DemoClock.Provider);

    public override async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "demo.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using (SqliteCommand attach = connection.CreateCommand())
        {
            attach.CommandText = $"ATTACH DATABASE '{Path.Combine(_directory, "hr.db")}' AS hr";
            await attach.ExecuteNonQueryAsync();
        }

        await using SqliteCommand cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        object? value = await cmd.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>The same demo schema and data loaded into a fresh PostgreSQL database cloned from a template.</summary>
public class PostgresDemoBackend(PostgresServer server) : DemoBackend
{
    /// <summary>Extra objects a test class needs, created as the owner before the read-only role is granted SELECT.</summary>
    protected virtual string? ExtraSetupSql => null;

    public const string Template = "demo";

    public PostgresServer Server => server;

    public TestDatabase? Database { get; private set; }

    /// <summary>Connection string of the read-only role (the recommended configuration).</summary>
    public string? ReaderConnectionString { get; private set; }

    public override string DefaultSchema => "public";

    public override async ValueTask InitializeAsync()
    {
        if (!server.IsAvailable)
        {
            return;
        }

        await server.EnsureTemplateAsync(Template, async db =>
        {
            DemoScript script = DemoDatabase.BuildScript(DemoFlavor.PostgreSql, DemoClock.Today);
            await db.ExecuteAsync(script.Main + "\n" + script.Hr);
        });
        Database = await server.CreateDatabaseAsync(Template);
        if (ExtraSetupSql is { } extra)
        {
            await Database.ExecuteAsync(extra);
        }

        ReaderConnectionString = WithPooling(await Database.CreateReadOnlyRoleAsync("public"));
    }

    public override void RequireAvailable() => server.RequireAvailable();

    /// <summary>A gateway connected as the owner (a superuser), disposed with the fixture: used to prove the privilege warnings.</summary>
    public IDatabaseGateway CreateAsOwner(DatabaseOptions options)
    {
        RequireAvailable();
        return Track(new PostgresGateway(options, WithPooling(Database!.OwnerConnectionString)));
    }

    protected override IDatabaseGateway CreateCore(DatabaseOptions options)
    {
        RequireAvailable();
        return new PostgresGateway(options, ReaderConnectionString!);
    }

    public override async Task<object?> ScalarAsync(string sql)
    {
        RequireAvailable();
        await using var connection = new NpgsqlConnection(Database!.OwnerConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        object? value = await cmd.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    // The fixture's connections avoid pooling (CREATE DATABASE … TEMPLATE needs idle templates); gateways pool as in production.
    private static string WithPooling(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = true }.ConnectionString;
}

/// <summary>
/// The same demo data in MariaDB: database <c>mcp_demo</c> plus <c>hr</c> (a second database), loaded once per server and
/// shared by every test class (the gateway only reads; the fingerprint tests prove it). Gateways connect as a
/// SELECT-only user of <c>mcp_demo</c>, the recommended configuration.
/// </summary>
public class MariaDbDemoBackend(MariaDbServer server) : DemoBackend
{
    public MariaDbServer Server => server;

    /// <summary>The demo database; a derived fixture with extra objects uses its own, so the shared one stays as the contract expects.</summary>
    public virtual string DatabaseName => "mcp_demo";

    /// <summary>Extra objects a test class needs, created as root after the demo data (one statement per item).</summary>
    protected virtual IReadOnlyList<string> ExtraSetupSql => [];

    /// <summary>Connection string of the SELECT-only user (the recommended configuration).</summary>
    public string? ReaderConnectionString { get; private set; }

    public override string DefaultSchema => DatabaseName;

    public override async ValueTask InitializeAsync()
    {
        if (!server.IsAvailable)
        {
            return;
        }

        DemoScript script = DemoDatabase.BuildScript(DemoFlavor.MySql, DemoClock.Today);
        await server.EnsureDatabaseAsync("hr", _ => server.AdminExecuteAsync(script.Hr.Replace("CREATE SCHEMA hr;", string.Empty, StringComparison.Ordinal), "hr"));
        await server.EnsureDatabaseAsync(DatabaseName, async _ =>
        {
            await server.AdminExecuteAsync(script.Main, DatabaseName);
            foreach (string sql in ExtraSetupSql)
            {
                await server.AdminExecuteAsync(sql, DatabaseName);
            }
        });
        ReaderConnectionString = await server.CreateUserAsync(DatabaseName + "_reader", "reader-Pw1", writable: false, DatabaseName);
    }

    public override void RequireAvailable() => server.RequireAvailable();

    /// <summary>A gateway connected as a user with every privilege on the demo database: used to prove the privilege warnings.</summary>
    public async Task<IDatabaseGateway> CreateAsWriterAsync(DatabaseOptions options)
    {
        RequireAvailable();
        string writer = await server.CreateUserAsync(DatabaseName + "_writer", "writer-Pw1", writable: true, DatabaseName);
        return Create(options, writer);
    }

    /// <summary>A gateway over another connection string (disposed with the fixture).</summary>
    public IDatabaseGateway Create(DatabaseOptions options, string connectionString) => Track(new MySqlGateway(options, connectionString, timeProvider: DemoClock.Provider));

    protected override IDatabaseGateway CreateCore(DatabaseOptions options)
    {
        RequireAvailable();
        return new MySqlGateway(options, ReaderConnectionString!, timeProvider: DemoClock.Provider);
    }

    public override async Task<object?> ScalarAsync(string sql)
    {
        RequireAvailable();
        await using var connection = new MySqlConnection(server.ConnectionString(DatabaseName));
        await connection.OpenAsync();
        await using var cmd = new MySqlCommand(sql, connection);
        object? value = await cmd.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }
}

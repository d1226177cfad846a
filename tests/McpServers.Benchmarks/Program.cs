using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Database.Backend;
using McpServers.Testing.Hosting;
using McpServers.Testing.Postgres;
using Npgsql;

// mcp-database benchmarks against a throwaway PostgreSQL cluster (the test kit's fixture) holding the demo data.
//   dotnet run --project tests/McpServers.Benchmarks -c Release -- [--native path/to/mcp-database] [--calls 500]
// mcp-crm (Salesforce provider) against a loopback org, next to the raw HTTP round trip (CrmBenchmark.cs):
//   dotnet run --project tests/McpServers.Benchmarks -c Release -- crm [--native path/to/mcp-crm] [--calls 500]
// Prints a Markdown table. Numbers are wall-clock on this machine; compare runs, not machines.
// mcp-documents' local index: `-- documents-local [--files N] [--mb N] [--searches N]` (DocumentsLocalBenchmark.cs).
if (args is ["documents-local", ..])
{
    return await McpServers.Benchmarks.DocumentsLocalBenchmark.RunAsync(args[1..]);
}

bool crm = args is ["crm", ..];
string? native = null;
int calls = 500;
for (int i = crm ? 1 : 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--native": native = args[++i]; break;
        case "--calls": calls = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

if (crm)
{
    return await McpServers.Benchmarks.CrmBenchmark.RunAsync(native, calls);
}

await using var postgres = new PostgresServer();
await postgres.InitializeAsync();
if (!postgres.IsAvailable)
{
    Console.Error.WriteLine(postgres.UnavailableReason);
    return 1;
}

await postgres.EnsureTemplateAsync("demo", async db =>
{
    DemoScript script = DemoDatabase.BuildScript(DemoFlavor.PostgreSql, DateOnly.FromDateTime(DateTime.UtcNow));
    await db.ExecuteAsync(script.Main + "\n" + script.Hr);
});
TestDatabase database = await postgres.CreateDatabaseAsync("demo");
// The fixture hands out unpooled connection strings (tests drop databases); a real deployment pools.
string reader = new NpgsqlConnectionStringBuilder(await database.CreateReadOnlyRoleAsync("public")) { Pooling = true }.ConnectionString;
// An administrator raising the per-tool limit: 500 calls in a few seconds is far over the 120/min default.
var env = new Dictionary<string, string?> { ["MCP_DATABASE__ConnectionString"] = reader, ["MCP_DATABASE__RateLimits__Tools__db_query"] = "100000" };
string jit = ServerExecutable.Resolve("mcp-database");
string audit = Path.Combine(Directory.CreateTempSubdirectory("mcp-bench-").FullName, "audit-.jsonl");

var rows = new List<(string Metric, string Value)>();
foreach ((string label, string exe) in new[] { ("JIT", jit), ("NativeAOT", native) }.Where(x => x.Item2 is not null).Select(x => (x.Item1, x.Item2!)))
{
    var startup = new List<double>();
    long idleKb = 0;
    for (int i = 0; i < 21; i++)
    {
        var clock = Stopwatch.StartNew();
        await using var process = StdioMcpProcess.Start(exe, ["--audit-log", audit], env);
        await process.InitializeAsync();
        if (i > 0)
        {
            startup.Add(clock.Elapsed.TotalMilliseconds); // the first run warms the file cache
        }

        if (i == 1)
        {
            await Task.Delay(300);
            idleKb = process.ResidentKb("VmRSS");
        }
    }

    rows.Add(($"{label}: spawn → initialize result, median of 20", Ms(Percentile(startup, 50))));
    rows.Add(($"{label}: idle RSS after initialize", $"{idleKb / 1024.0:0.0} MB"));

    await using var session = StdioMcpProcess.Start(exe, ["--audit-log", audit], env);
    await session.InitializeAsync();
    var list = new List<double>();
    for (int i = 0; i < 50; i++)
    {
        var clock = Stopwatch.StartNew();
        await session.RequestAsync("tools/list");
        list.Add(clock.Elapsed.TotalMilliseconds);
    }

    var query = new List<double>();
    for (int i = 0; i < calls + 20; i++)
    {
        var arguments = new JsonObject
        {
            ["table"] = "invoices",
            ["columns"] = new JsonArray("id", "total", "status"),
            ["filters"] = new JsonArray(new JsonObject { ["column"] = "id", ["op"] = "eq", ["value"] = 1 + (i % 3000) }),
        };
        var clock = Stopwatch.StartNew();
        JsonElement response = await session.CallToolAsync("db_query", arguments);
        double ms = clock.Elapsed.TotalMilliseconds;
        if (response.GetProperty("result").TryGetProperty("isError", out JsonElement isError) && isError.GetBoolean())
        {
            throw new InvalidOperationException("db_query failed: " + response.GetRawText());
        }

        if (i >= 20)
        {
            query.Add(ms);
        }
    }

    rows.Add(($"{label}: tools/list, median of 50", Ms(Percentile(list, 50))));
    rows.Add(($"{label}: db_query by id over stdio, p50 / p95 of {calls}", $"{Ms(Percentile(query, 50))} / {Ms(Percentile(query, 95))}"));
    rows.Add(($"{label}: peak RSS after the calls", $"{session.ResidentKb("VmHWM") / 1024.0:0.0} MB"));
}

// The same lookup straight through Npgsql: bare, and inside the server's safety envelope
// (READ ONLY transaction, SET LOCAL timeouts and search_path, EXPLAIN for the cost gate, rollback).
await using (NpgsqlDataSource source = NpgsqlDataSource.Create(reader))
{
    var bare = new List<double>();
    var envelope = new List<double>();
    for (int i = 0; i < calls + 20; i++)
    {
        int id = 1 + (i % 3000);
        var clock = Stopwatch.StartNew();
        await using (NpgsqlConnection c = await source.OpenConnectionAsync())
        await using (var cmd = new NpgsqlCommand("SELECT \"id\", \"total\", \"status\" FROM \"public\".\"invoices\" WHERE \"id\" = $1 ORDER BY \"id\" LIMIT 101", c))
        {
            cmd.Parameters.AddWithValue(id);
            await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
            }
        }

        double b = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        await using (NpgsqlConnection c = await source.OpenConnectionAsync())
        await using (NpgsqlTransaction tx = await c.BeginTransactionAsync())
        {
            await using (var set = new NpgsqlCommand("SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = 15000; SET LOCAL lock_timeout = 2000; SET LOCAL search_path = public", c, tx))
            {
                await set.ExecuteNonQueryAsync();
            }

            await using (var explain = new NpgsqlCommand("EXPLAIN (FORMAT JSON) SELECT \"id\", \"total\", \"status\" FROM \"public\".\"invoices\" WHERE \"id\" = $1 ORDER BY \"id\" LIMIT 101", c, tx))
            {
                explain.Parameters.AddWithValue(id);
                await explain.ExecuteScalarAsync();
            }

            await using (var cmd = new NpgsqlCommand("SELECT \"id\", \"total\", \"status\" FROM \"public\".\"invoices\" WHERE \"id\" = $1 ORDER BY \"id\" LIMIT 101", c, tx))
            {
                cmd.Parameters.AddWithValue(id);
                await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync())
                {
                }
            }

            await tx.RollbackAsync();
        }

        if (i >= 20)
        {
            bare.Add(b);
            envelope.Add(clock.Elapsed.TotalMilliseconds);
        }
    }

    rows.Add(($"Npgsql direct, bare SELECT, p50 / p95 of {calls}", $"{Ms(Percentile(bare, 50))} / {Ms(Percentile(bare, 95))}"));
    rows.Add(($"Npgsql direct, same SELECT in the safety envelope, p50 / p95 of {calls}", $"{Ms(Percentile(envelope, 50))} / {Ms(Percentile(envelope, 95))}"));
}

McpServers.Benchmarks.Stats.PrintTable("PostgreSQL on loopback", rows);
return 0;

static double Percentile(List<double> values, int p) => McpServers.Benchmarks.Stats.Percentile(values, p);

static string Ms(double ms) => McpServers.Benchmarks.Stats.Ms(ms);

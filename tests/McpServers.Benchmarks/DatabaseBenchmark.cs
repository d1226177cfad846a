using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Database.Backend;
using McpServers.Database.Options;
using McpServers.Testing.Hosting;
using McpServers.Testing.Postgres;
using Npgsql;

namespace McpServers.Benchmarks;

/// <summary>
/// mcp-database against a throwaway PostgreSQL cluster (the test kit's fixture) holding the demo data, side by side
/// with the Node reference server (@modelcontextprotocol/server-postgres, pinned in reference/package.json; skipped
/// when Node.js is missing). Both reach PostgreSQL through <see cref="RoundTripCounter"/>, so the table shows round
/// trips per call next to latency; calls to the two servers alternate, so load on the machine hits both alike.
/// Then the memory curve: RSS after each batch of calls, and after a 5 MB request.
/// </summary>
internal static class DatabaseBenchmark
{
    private static string LookupSql(int id) => "SELECT id, total, status FROM invoices WHERE id = " + id.ToString(CultureInfo.InvariantCulture);
    private const string QuarterSql = "SELECT date_trunc('quarter', issued_on)::date AS quarter, sum(total) AS revenue FROM invoices GROUP BY 1 ORDER BY 1";

    public static async Task<int> RunAsync(string? native, int calls)
    {
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
        var direct = new NpgsqlConnectionStringBuilder(await database.CreateReadOnlyRoleAsync("public")) { Pooling = true };
        await using RoundTripCounter counter = RoundTripCounter.Start(direct.Port);
        var relayed = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = counter.Port };

        // An administrator raising the per-tool limits: thousands of calls in a minute are far over the defaults.
        var env = new Dictionary<string, string?>
        {
            ["MCP_DATABASE__ConnectionString"] = relayed.ConnectionString,
            ["MCP_DATABASE__RateLimits__Tools__db_query"] = "100000",
            ["MCP_DATABASE__RateLimits__Tools__db_aggregate"] = "100000",
        };
        string audit = Path.Combine(Directory.CreateTempSubdirectory("mcp-bench-").FullName, "audit-.jsonl");
        var ours = new List<(string Label, string Exe, string[] Args, Dictionary<string, string?> Env)> { ("JIT", ServerExecutable.Resolve("mcp-database"), ["--audit-log", audit], env) };
        if (native is not null)
        {
            ours.Add(("NativeAOT", native, ["--audit-log", audit], env));
        }

        (string Label, string Exe, string[] Args, Dictionary<string, string?> Env)? reference = Reference(relayed);
        var rows = new List<(string Metric, string Value)>();
        foreach (var server in ours.Concat(reference is { } r ? [r] : []))
        {
            (double startup, long idleKb) = await StartupAsync(server.Exe, server.Args, server.Env);
            rows.Add(($"{server.Label}: spawn → initialize result, median of 20", Stats.Ms(startup)));
            rows.Add(($"{server.Label}: idle RSS after initialize + tools/list", $"{idleKb / 1024.0:0.0} MB"));
        }

        // Per call, interleaved: our fastest build and the reference, the same lookup and the same quarter aggregate.
        var mine = ours[^1];
        await using StdioMcpProcess ourSession = await OpenAsync(mine.Exe, mine.Args, mine.Env);
        await using StdioMcpProcess? refSession = reference is { } rs ? await OpenAsync(rs.Exe, rs.Args, rs.Env) : null;
        var timings = new Dictionary<string, (List<double> Ms, List<long> Trips)>();
        for (int i = 0; i < calls + 20; i++)
        {
            int id = 1 + (i % 3000);
            bool keep = i >= 20;
            await MeasureAsync(timings, $"{mine.Label}: db_query by id", keep, counter, () => ourSession.CallToolAsync("db_query", LookupArguments(id)));
            await MeasureAsync(timings, $"{mine.Label}: db_aggregate revenue by quarter", keep, counter, () => ourSession.CallToolAsync("db_aggregate", QuarterArguments()));
            if (refSession is not null)
            {
                await MeasureAsync(timings, "reference: query, same lookup", keep, counter,
                    () => refSession.CallToolAsync("query", new JsonObject { ["sql"] = LookupSql(id) }));
                await MeasureAsync(timings, "reference: query, same aggregate", keep, counter,
                    () => refSession.CallToolAsync("query", new JsonObject { ["sql"] = QuarterSql }));
            }
        }

        foreach ((string name, (List<double> ms, List<long> trips)) in timings)
        {
            rows.Add(($"{name}, p50 / p95 of {calls}; round trips per call", $"{Stats.Ms(Stats.Percentile(ms, 50))} / {Stats.Ms(Stats.Percentile(ms, 95))}; {trips.Average():0.0}"));
        }

        if (refSession is not null)
        {
            rows.Add(("latency ratio to the reference, p50: lookup / aggregate",
                $"{Ratio(timings, $"{mine.Label}: db_query by id", "reference: query, same lookup")} / {Ratio(timings, $"{mine.Label}: db_aggregate revenue by quarter", "reference: query, same aggregate")}"));
        }

        // What each layer costs: the raw round trip (directly and through the counting relay), then the server's
        // database layer in process; the db_query row above adds the MCP pipeline and stdio.
        rows.Add(($"Npgsql direct, bare SELECT by id (no envelope), p50 / p95 of {calls}", await BareLookupAsync(direct.ConnectionString, calls)));
        rows.Add(($"Npgsql through the relay, bare SELECT by id, p50 / p95 of {calls}", await BareLookupAsync(relayed.ConnectionString, calls)));
        rows.Add(($"gateway in process (envelope, no MCP) through the relay, same lookup, p50 / p95 of {calls}", await GatewayLookupAsync(ConnectionResolver.Resolve(new DatabaseOptions { ConnectionString = relayed.ConnectionString }).PostgresConnectionString!, calls)));
        rows.AddRange(await MemoryCurveAsync(mine.Label, mine.Exe, mine.Args, mine.Env));
        Stats.PrintTable("PostgreSQL on loopback", rows);
        return 0;
    }

    /// <summary>The Node reference, when Node.js is on PATH; installs its pinned packages on first use.</summary>
    private static (string, string, string[], Dictionary<string, string?>)? Reference(NpgsqlConnectionStringBuilder connection)
    {
        string? node = Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(d => Path.Combine(d, "node")).FirstOrDefault(File.Exists);
        string folder = Path.Combine(AppContext.BaseDirectory, "reference");
        string script = Path.Combine(folder, "node_modules", "@modelcontextprotocol", "server-postgres", "dist", "index.js");
        if (node is null)
        {
            Console.Error.WriteLine("bench: Node.js not found; the reference server is left out.");
            return null;
        }

        if (!File.Exists(script))
        {
            using Process npm = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = folder, RedirectStandardOutput = true })!;
            npm.WaitForExit();
        }

        string url = $"postgresql://{Uri.EscapeDataString(connection.Username!)}:{Uri.EscapeDataString(connection.Password ?? string.Empty)}@{connection.Host}:{connection.Port}/{Uri.EscapeDataString(connection.Database!)}";
        return ("reference", node, [script, url], new Dictionary<string, string?>());
    }

    private static async Task<(double MedianMs, long IdleKb)> StartupAsync(string exe, string[] args, Dictionary<string, string?> env)
    {
        var startup = new List<double>();
        long idleKb = 0;
        for (int i = 0; i < 21; i++)
        {
            var clock = Stopwatch.StartNew();
            await using StdioMcpProcess process = StdioMcpProcess.Start(exe, args, env);
            await process.InitializeAsync();
            if (i > 0)
            {
                startup.Add(clock.Elapsed.TotalMilliseconds); // the first run warms the file cache
            }

            if (i == 1)
            {
                await process.RequestAsync("tools/list");
                await Task.Delay(300);
                idleKb = process.ResidentKb("VmRSS");
            }
        }

        return (Stats.Percentile(startup, 50), idleKb);
    }

    private static async Task<StdioMcpProcess> OpenAsync(string exe, string[] args, Dictionary<string, string?> env)
    {
        StdioMcpProcess session = StdioMcpProcess.Start(exe, args, env);
        await session.InitializeAsync();
        await session.RequestAsync("tools/list");
        return session;
    }

    private static async Task MeasureAsync(Dictionary<string, (List<double> Ms, List<long> Trips)> timings, string name, bool keep, RoundTripCounter counter, Func<Task<JsonElement>> call)
    {
        long before = counter.Flights;
        var clock = Stopwatch.StartNew();
        JsonElement response = await call();
        double ms = clock.Elapsed.TotalMilliseconds;
        long trips = counter.Flights - before;
        if (!response.TryGetProperty("result", out JsonElement result) || (result.TryGetProperty("isError", out JsonElement isError) && isError.GetBoolean()))
        {
            throw new InvalidOperationException($"{name} failed: {response.GetRawText()}");
        }

        if (keep)
        {
            if (!timings.TryGetValue(name, out var series))
            {
                timings[name] = series = ([], []);
            }

            series.Ms.Add(ms);
            series.Trips.Add(trips);
        }
    }

    private static string Ratio(Dictionary<string, (List<double> Ms, List<long> Trips)> timings, string ours, string theirs) =>
        (Stats.Percentile(timings[ours].Ms, 50) / Stats.Percentile(timings[theirs].Ms, 50)).ToString("0.00", CultureInfo.InvariantCulture);

    private static JsonObject LookupArguments(int id) => new()
    {
        ["table"] = "invoices",
        ["columns"] = new JsonArray("id", "total", "status"),
        ["filters"] = new JsonArray(new JsonObject { ["column"] = "id", ["op"] = "eq", ["value"] = id }),
    };

    private static JsonObject QuarterArguments() => new()
    {
        ["table"] = "invoices",
        ["metrics"] = new JsonArray(new JsonObject { ["function"] = "sum", ["column"] = "total", ["as"] = "revenue" }),
        ["group_by"] = new JsonArray(new JsonObject { ["column"] = "issued_on", ["bucket"] = "quarter" }),
    };

    private static async Task<string> BareLookupAsync(string connectionString, int calls)
    {
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(connectionString);
        var bare = new List<double>();
        for (int i = 0; i < calls + 20; i++)
        {
            var clock = Stopwatch.StartNew();
            await using (NpgsqlConnection c = await source.OpenConnectionAsync())
            await using (var cmd = new NpgsqlCommand("SELECT \"id\", \"total\", \"status\" FROM \"public\".\"invoices\" WHERE \"id\" = $1 ORDER BY \"id\" LIMIT 101", c))
            {
                cmd.Parameters.AddWithValue(1 + (i % 3000));
                await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync())
                {
                }
            }

            if (i >= 20)
            {
                bare.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        return $"{Stats.Ms(Stats.Percentile(bare, 50))} / {Stats.Ms(Stats.Percentile(bare, 95))}";
    }

    /// <summary>The server's database layer alone: what the MCP pipeline adds is the difference to the db_query row.</summary>
    private static async Task<string> GatewayLookupAsync(string connectionString, int calls)
    {
        await using var gateway = new PostgresGateway(new DatabaseOptions(), connectionString);
        var times = new List<double>();
        for (int i = 0; i < calls + 20; i++)
        {
            var clock = Stopwatch.StartNew();
            await gateway.QueryAsync(new QuerySpec("invoices", ["id", "total", "status"], [new FilterSpec("id", FilterOp.Eq, JsonSerializer.SerializeToElement(1 + (i % 3000), BenchmarkJson.Default.Int32))]));
            if (i >= 20)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        return $"{Stats.Ms(Stats.Percentile(times, 50))} / {Stats.Ms(Stats.Percentile(times, 95))}";
    }

    /// <summary>
    /// RSS after initialize, then after each step of 1 000 mixed capped calls (lookup, quarter aggregate, a 100-row
    /// page of every invoice column), then after a 5 MB request and 100 more calls.
    /// </summary>
    private static async Task<List<(string, string)>> MemoryCurveAsync(string label, string exe, string[] args, Dictionary<string, string?> env)
    {
        await using StdioMcpProcess session = await OpenAsync(exe, args, env);
        var curve = new List<string>();
        long idle = session.ResidentKb("VmRSS");
        curve.Add($"0: {idle / 1024.0:0.0}");
        int done = 0;
        foreach (int mark in new[] { 50, 100, 250, 500, 1000 })
        {
            for (; done < mark; done++)
            {
                await ((done % 3) switch
                {
                    0 => session.CallToolAsync("db_query", LookupArguments(1 + done)),
                    1 => session.CallToolAsync("db_aggregate", QuarterArguments()),
                    _ => session.CallToolAsync("db_query", new JsonObject { ["table"] = "invoices", ["limit"] = 100 }),
                });
            }

            curve.Add($"{mark}: {session.ResidentKb("VmRSS") / 1024.0:0.0}");
        }

        long beforeBig = session.ResidentKb("VmRSS");
        var big = new JsonObject
        {
            ["table"] = "invoices",
            ["filters"] = new JsonArray(new JsonObject { ["column"] = "notes", ["op"] = "eq", ["value"] = new string('x', 5 * 1024 * 1024) }),
        };
        await session.CallToolAsync("db_query", big);
        await Task.Delay(1000);
        long afterBig = session.ResidentKb("VmRSS");
        for (int i = 0; i < 100; i++)
        {
            await session.CallToolAsync("db_query", LookupArguments(1 + i));
        }

        long settled = session.ResidentKb("VmRSS");
        return
        [
            ($"{label}: RSS (MB) after N mixed capped calls", string.Join(", ", curve)),
            ($"{label}: RSS after 1 000 calls / idle", $"{(double)beforeBig / idle:0.00}×"),
            ($"{label}: RSS before / 1 s after a 5 MB request / after 100 more calls", $"{beforeBig / 1024.0:0.0} / {afterBig / 1024.0:0.0} / {settled / 1024.0:0.0} MB"),
        ];
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
internal sealed partial class BenchmarkJson : System.Text.Json.Serialization.JsonSerializerContext;

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;
using McpServers.Testing.Redis;

namespace McpServers.Benchmarks;

/// <summary>
/// HTTP mode under load (loopback only, bounded in clients and time): mcp-database (SQLite demo) as two replicas
/// sharing the test kit's throwaway Redis, API-key authentication, N concurrent clients calling db_list_tables on
/// the replicas alternately for M seconds: throughput, p50/p95/p99 and errors. Beside it, one client's sequential
/// latency over stdio and over HTTP (same call), whose p50 difference is the per-call cost of HTTP + authentication.
///   dotnet run --project tests/McpServers.Benchmarks -c Release -- http-load [--clients 8] [--seconds 10] [--exe path/to/mcp-database] [--no-redis]
/// </summary>
internal static class HttpLoadBenchmark
{
    private const string Key = "mcpk_benchmark_0123456789abcdef";
    private const string Tool = "db_list_tables";

    public static async Task<int> RunAsync(string[] args)
    {
        // Warm-up before the sequential measurements: enough calls that tiered JIT has compiled the hot paths of
        // both the stdio and the HTTP stack (ASP.NET Core's path has many more methods to tier up).
        int clients = 8, seconds = 10, sequential = 1000, warmup = 1000;
        bool useRedis = true;
        string exe = ServerExecutable.Resolve("mcp-database");
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--clients": clients = Math.Clamp(int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture), 1, 64); break;
                case "--seconds": seconds = Math.Clamp(int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture), 1, 120); break;
                case "--exe": exe = Path.GetFullPath(args[++i]); break;
                case "--no-redis": useRedis = false; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        string temp = Directory.CreateTempSubdirectory("mcp-http-load-").FullName;
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        if (!redis.IsAvailable)
        {
            Console.Error.WriteLine("http-load needs redis-server: " + redis.UnavailableReason);
            return 2;
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key)));
        string[] serverArgs =
        [
            "--demo", "--set", $"Service:ApiKeys:bench:Sha256={hash}", "--set", "Service:ApiKeys:bench:Scopes=mcp:read",
            "--set", "Service:ApiKeys:bench:Expires=2099-01-01", "--set", "Service:MaxRequestsPerCaller=256",
            "--set", "RateLimits:ReadPerMinute=100000", "--set", "Concurrency:MaxCalls=64", "--set", "Concurrency:MaxCallsPerTool=64",
        ];
        var env = new Dictionary<string, string?>
        {
            ["MCP_DATABASE__Service__RedisConnectionString"] = useRedis ? redis.ConnectionString : null,
            ["MCP_DATABASE__Audit__Path"] = Path.Combine(temp, "audit-.jsonl"),
        };

        // One client, one call at a time: stdio, then HTTP (the same server build, the same call).
        List<double> stdio = await SequentialStdioAsync(exe, env, sequential, warmup);
        await using HttpMcpServer a = await HttpMcpServer.StartAsync(exe, serverArgs, env);
        await using HttpMcpServer b = await HttpMcpServer.StartAsync(exe, serverArgs, env);
        // The audit lines go to stderr in this mode (--audit-log -): what the driver keeps is bounded by the run.
        var http = new List<double>();
        var health = new List<double>();
        var ping = new List<double>();
        for (int i = 0; i < sequential + warmup; i++)
        {
            long t = Stopwatch.GetTimestamp();
            await a.CallToolAsync(Key, Tool);
            if (i >= warmup)
            {
                http.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }

            // MCP over HTTP without a tool: transport, authentication, the per-request server; then the HTTP stack
            // alone (Kestrel, routing, the client), for scale: no authentication, no MCP.
            t = Stopwatch.GetTimestamp();
            await a.RequestAsync(Key, "ping");
            if (i >= warmup)
            {
                ping.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }

            t = Stopwatch.GetTimestamp();
            await a.GetAsync("/healthz");
            if (i >= warmup)
            {
                health.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }

        // For scale: one Redis round trip as the servers make it (StackExchange.Redis), which a shared rate limit costs each call.
        var redisTrips = new List<double>();
        if (useRedis)
        {
            using var multiplexer = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            StackExchange.Redis.IDatabase db = multiplexer.GetDatabase();
            for (int i = 0; i < sequential + warmup; i++)
            {
                long t = Stopwatch.GetTimestamp();
                await db.PingAsync();
                if (i >= warmup)
                {
                    redisTrips.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }
            }
        }

        // N clients for M seconds, alternating replicas.
        var latencies = new List<double>[clients];
        int errors = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = latencies[c] = [];
            for (int n = 0; !stop.IsCancellationRequested; n++)
            {
                HttpMcpServer replica = (n + c) % 2 == 0 ? a : b;
                long t = Stopwatch.GetTimestamp();
                try
                {
                    var result = await replica.CallToolAsync(Key, Tool);
                    if (result.TryGetProperty("isError", out var e) && e.GetBoolean())
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException)
                {
                    Interlocked.Increment(ref errors);
                }

                mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }));
        wall.Stop();
        List<double> all = [.. latencies.SelectMany(l => l)];

        Stats.PrintTable($"mcp-database --demo, {Tool}, API key, 2 replicas{(useRedis ? " + Redis" : ", no Redis")}", [
            ($"1 client, sequential, stdio: p50 / p95 (n={stdio.Count})", $"{Stats.Ms(Stats.Percentile(stdio, 50))} / {Stats.Ms(Stats.Percentile(stdio, 95))}"),
            ($"1 client, sequential, HTTP + API key: p50 / p95 (n={http.Count})", $"{Stats.Ms(Stats.Percentile(http, 50))} / {Stats.Ms(Stats.Percentile(http, 95))}"),
            ("HTTP + auth above stdio at p50", Stats.Ms(Stats.Percentile(http, 50) - Stats.Percentile(stdio, 50))),
            ($"for scale: MCP ping over HTTP + API key, p50 (n={ping.Count})", Stats.Ms(Stats.Percentile(ping, 50))),
            ($"for scale: GET /healthz on the same connection pool, p50 (n={health.Count})", Stats.Ms(Stats.Percentile(health, 50))),
            ($"for scale: one Redis round trip from .NET (StackExchange.Redis PING), p50 (n={redisTrips.Count})", redisTrips.Count == 0 ? "-" : Stats.Ms(Stats.Percentile(redisTrips, 50))),
            ($"load: {clients} clients × {seconds} s, calls", all.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("load: throughput", $"{all.Count / wall.Elapsed.TotalSeconds:0} calls/s"),
            ("load: p50 / p95 / p99", $"{Stats.Ms(Stats.Percentile(all, 50))} / {Stats.Ms(Stats.Percentile(all, 95))} / {Stats.Ms(Stats.Percentile(all, 99))}"),
            ("load: errors", errors.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]);
        Directory.Delete(temp, recursive: true);
        return errors == 0 ? 0 : 1;
    }

    private static async Task<List<double>> SequentialStdioAsync(string exe, Dictionary<string, string?> env, int calls, int warmup)
    {
        await using StdioMcpProcess server = StdioMcpProcess.Start(exe, ["--demo", "--set", "RateLimits:ReadPerMinute=100000"], env);
        await server.InitializeAsync();
        var times = new List<double>();
        for (int i = 0; i < calls + warmup; i++)
        {
            long t = Stopwatch.GetTimestamp();
            await server.CallToolAsync(Tool, new JsonObject());
            if (i >= warmup)
            {
                times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }

        return times;
    }
}

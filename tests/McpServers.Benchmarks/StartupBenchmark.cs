using System.Diagnostics;
using McpServers.Testing.Hosting;

namespace McpServers.Benchmarks;

/// <summary>
/// Every server, started as a client starts it: spawn → initialize result (median of 10 after one warm-up run),
/// idle RSS after initialize + tools/list, and tools/list latency (median of 20). Each server is configured so it
/// starts without reaching its backend (nothing connects before a tool call). JIT builds always; native binaries from
/// <c>--native-dir</c> (a folder holding <c>mcp-*</c> executables, e.g. an installed <c>--tool-path</c>) when given.
///   dotnet run --project tests/McpServers.Benchmarks -c Release -- startup [--native-dir artifacts/ci-tools]
/// </summary>
internal static class StartupBenchmark
{
    private const string OpenApi = """
        {"openapi":"3.0.3","info":{"title":"Items","version":"1"},"paths":{"/items":{"get":{"operationId":"listItems",
        "summary":"List items","responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"array","items":{"type":"object"}}}}}}}}}}
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        string? nativeDir = args is ["--native-dir", var dir, ..] ? Path.GetFullPath(dir) : null;
        string temp = Directory.CreateTempSubdirectory("mcp-startup-").FullName;
        string openApi = Path.Combine(temp, "items.json");
        await File.WriteAllTextAsync(openApi, OpenApi);
        var servers = new (string Command, string[] Args, Dictionary<string, string?> Env)[]
        {
            ("mcp-database", ["--demo"], []),
            ("mcp-documents", ["--demo"], []),
            ("mcp-internal-api", ["--openapi", openApi, "--base-url", "http://127.0.0.1:9/api"], []),
            ("mcp-ticketing", [], new() { ["JIRA_URL"] = "http://127.0.0.1:9/", ["JIRA_PROJECTS"] = "OPS", ["JIRA_PAT"] = "benchmark-not-a-token" }),
            ("mcp-crm", [], new() { ["CRM_PROVIDER"] = "Salesforce", ["SALESFORCE_INSTANCE_URL"] = "http://127.0.0.1:9/", ["SALESFORCE_ACCESS_TOKEN"] = "benchmark-not-a-token" }),
            ("mcp-communication", [], new() { ["SLACK_BOT_TOKEN"] = "xoxb-benchmark-not-a-token", ["MCP_COMMUNICATION__Slack__Channels"] = "#general" }),
        };

        Console.WriteLine($"| server ({Environment.ProcessorCount} cores) | build | spawn → initialize, median of 10 | idle RSS after initialize + tools/list | tools/list, median of 20 |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (command, serverArgs, env) in servers)
        {
            env["MCP_" + command[4..].Replace('-', '_').ToUpperInvariant() + "__Audit__Path"] = Path.Combine(temp, command + "-audit-.jsonl");
            var builds = new List<(string Label, string Exe)> { ("JIT", ServerExecutable.Resolve(command)) };
            if (nativeDir is not null && File.Exists(Path.Combine(nativeDir, command)))
            {
                builds.Add(("native", Path.Combine(nativeDir, command)));
            }

            foreach ((string label, string exe) in builds)
            {
                try
                {
                    (double start, long idleKb, double list) = await MeasureAsync(exe, serverArgs, env);
                    Console.WriteLine($"| {command} | {label} | {Stats.Ms(start)} | {idleKb / 1024.0:0.0} MB | {Stats.Ms(list)} |");
                }
                catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
                {
                    Console.WriteLine($"| {command} | {label} | failed: {ex.Message.Split('\n')[0]} | | |");
                }
            }
        }

        Directory.Delete(temp, recursive: true);
        return 0;
    }

    private static async Task<(double StartMs, long IdleKb, double ListMs)> MeasureAsync(string exe, string[] args, Dictionary<string, string?> env)
    {
        var startup = new List<double>();
        long idleKb = 0;
        var list = new List<double>();
        for (int i = 0; i < 11; i++)
        {
            var clock = Stopwatch.StartNew();
            await using StdioMcpProcess process = StdioMcpProcess.Start(exe, args, env);
            await process.InitializeAsync();
            if (i == 0)
            {
                continue; // warms the file cache
            }

            startup.Add(clock.Elapsed.TotalMilliseconds);
            if (i == 1)
            {
                for (int j = 0; j < 21; j++)
                {
                    clock.Restart();
                    await process.RequestAsync("tools/list");
                    if (j > 0)
                    {
                        list.Add(clock.Elapsed.TotalMilliseconds);
                    }
                }

                await Task.Delay(300);
                idleKb = process.ResidentKb("VmRSS");
            }
        }

        return (Stats.Percentile(startup, 50), idleKb, Stats.Percentile(list, 50));
    }
}

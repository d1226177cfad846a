using System.Text.Json;
using McpServers.Testing.Conformance;
using McpServers.Testing.Hosting;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>mcp-ticketing without a reachable Jira or any settings: the manifest still prints, --check never crashes.</summary>
public sealed class TicketingWithoutConfigurationTests
{
    private static readonly string Exe = ServerExecutable.Resolve("mcp-ticketing");

    private static Task<(int Code, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        var environment = new Dictionary<string, string?>
        {
            ["JIRA_URL"] = null,
            ["JIRA_PROJECTS"] = null,
            ["JIRA_EMAIL"] = null,
            ["JIRA_API_TOKEN"] = null,
            ["JIRA_PAT"] = null,
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        return StdioMcpProcess.RunOnceAsync(Exe, args, environment, TestContext.Current.CancellationToken);
    }

    private static string[] ToolNames(string manifest) =>
        [.. JsonDocument.Parse(manifest).RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];

    /// <summary>
    /// The tools a read-only server without raw JQL offers, in catalog order, taken from the reviewed manifest snapshot
    /// (read-only ones, without jira_search_jql) rather than from a second list kept by hand.
    /// </summary>
    internal static string[] ReadOnlyTools()
    {
        string snapshot = File.ReadAllText(Path.Combine(ManifestSnapshot.RepositoryRoot(), new TicketingServerUnderTest().ManifestSnapshotPath));
        return [.. JsonDocument.Parse(snapshot).RootElement.GetProperty("tools").EnumerateArray()
            .Where(t => t.GetProperty("annotations").GetProperty("readOnlyHint").GetBoolean())
            .Select(t => t.GetProperty("name").GetString()!)
            .Where(name => name != "jira_search_jql")];
    }

    [Fact]
    public async Task PrintTools_NeedsNoJiraSettings_AndNamesTheSettingTheToolSetDependsOn()
    {
        var (code, stdout, stderr) = await RunAsync(new Dictionary<string, string?>(), "--print-tools");
        var (withJql, jqlManifest, _) = await RunAsync(new Dictionary<string, string?>(), "--print-tools", "--set", "Jira:AllowRawJql=true");

        Assert.True(code == 0, stderr);
        Assert.Contains("jira_search_issues", ReadOnlyTools());
        Assert.Equal(ReadOnlyTools(), ToolNames(stdout));
        Assert.Contains("Jira:AllowRawJql (not set)", stderr, StringComparison.Ordinal);
        Assert.Equal(0, withJql);
        Assert.Contains("jira_search_jql", ToolNames(jqlManifest));
    }

    [Fact]
    public async Task Check_UnreachableJira_IsAFailLineNotACrash()
    {
        var (code, stdout, stderr) = await RunAsync(
            new Dictionary<string, string?> { ["JIRA_URL"] = "http://127.0.0.1:9/", ["JIRA_PROJECTS"] = "OPS", ["JIRA_PAT"] = "not-a-real-token-4711" },
            "--check", "--set", "Jira:Http:MaxRetries=0");

        Assert.Equal(1, code);
        Assert.Contains("FAIL  jira: ", stdout, StringComparison.Ordinal);
        Assert.Contains("JIRA_URL (Jira:BaseUrl)", stdout, StringComparison.Ordinal);
        Assert.Contains("NOT ready", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-real-token-4711", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WithoutSettings_IsAFailLineWithExitCode1()
    {
        var (code, stdout, _) = await RunAsync(new Dictionary<string, string?>(), "--check");

        Assert.Equal(1, code);
        Assert.Contains("FAIL  configuration: ", stdout, StringComparison.Ordinal);
        Assert.Contains("Jira:BaseUrl", stdout, StringComparison.Ordinal);
    }
}

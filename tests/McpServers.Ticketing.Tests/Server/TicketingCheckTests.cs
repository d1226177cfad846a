using McpServers.Shared.Hosting;
using McpServers.Testing.Hosting;
using McpServers.Ticketing.Tests.Fake;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Ticketing.Tests.Server;

/// <summary><c>--check</c> against what it exists to diagnose: every failure is a verdict naming the setting to fix.</summary>
public sealed class TicketingCheckTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<IReadOnlyList<CheckResult>> CheckAsync(Dictionary<string, string?> settings)
    {
        await using var host = new InMemoryMcpServer((s, c) => s.AddTicketingServer(c), settings);
        var results = new List<CheckResult>();
        foreach (IServerCheck check in host.Services.GetServices<IServerCheck>())
        {
            results.AddRange(await check.RunAsync(Ct));
        }

        return results;
    }

    private static Dictionary<string, string?> Settings(string baseUrl, bool pat = true) => new()
    {
        ["Jira:BaseUrl"] = baseUrl,
        ["Jira:Projects"] = "OPS",
        [pat ? "Jira:PersonalAccessToken" : "Jira:Anonymous"] = pat ? TicketingToolTests.Token : "true",
        ["Jira:Http:MaxRetries"] = "0",
    };

    [Theory]
    [InlineData("wrong path", "JIRA_URL (Jira:BaseUrl)")]
    [InlineData("unreachable", "JIRA_URL (Jira:BaseUrl)")]
    [InlineData("not jira (html)", "JIRA_URL (Jira:BaseUrl)")]
    [InlineData("not jira (json)", "JIRA_URL (Jira:BaseUrl)")]
    [InlineData("server error", "JIRA_URL (Jira:BaseUrl)")]
    [InlineData("bad token", "JIRA_PAT (Jira:PersonalAccessToken)")]
    public async Task Check_OnAMisconfiguredOrBrokenJira_FailsNamingTheSettingToFix(string problem, string setting)
    {
        await using FakeJira jira = await FakeJira.StartAsync(cloud: false, Ct);
        string url = jira.BaseAddress.ToString();
        switch (problem)
        {
            case "wrong path": url += "wiki/"; break;
            case "unreachable": url = "http://127.0.0.1:9/"; break;
            case "not jira (html)": jira.ServerInfoOverride = () => Results.Content("<html><body>Welcome</body></html>", "text/html"); break;
            case "not jira (json)": jira.ServerInfoOverride = () => Results.Content("""{"status":"ok"}""", "application/json"); break;
            case "server error": jira.ServerInfoOverride = () => Results.StatusCode(500); break;
            default: jira.RejectCredentials = true; break;
        }

        IReadOnlyList<CheckResult> results = await CheckAsync(Settings(url));

        CheckResult failed = Assert.Single(results, r => r.Status == CheckStatus.Failed);
        Assert.Contains("check " + setting, failed.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(TicketingToolTests.Token, failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_Anonymous_ReachesJiraWithoutAskingWhoTheUserIs()
    {
        await using FakeJira jira = await FakeJira.StartAsync(cloud: false, Ct);

        IReadOnlyList<CheckResult> results = await CheckAsync(Settings(jira.BaseAddress.ToString(), pat: false));

        Assert.All(results, r => Assert.Equal(CheckStatus.Ok, r.Status));
        Assert.Contains(results, r => r.Message == "reached Jira Data Center 9.12.0 as (anonymous)");
        Assert.DoesNotContain(jira.Requests, r => r.Path.EndsWith("/myself", StringComparison.Ordinal));
    }
}

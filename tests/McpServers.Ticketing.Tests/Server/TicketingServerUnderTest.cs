using System.Text.Json.Nodes;
using McpServers.Shared.Hosting;
using McpServers.Testing.Conformance;
using McpServers.Ticketing.Backend;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>
/// mcp-ticketing as the conformance base sees it: a Jira address where nothing listens (port 9 on 127.0.0.1), so
/// backend calls fail fast and locally; the tool tests use the fake Jira instead.
/// </summary>
public sealed class TicketingServerUnderTest : IConformanceServer
{
    public ServerIdentity Identity => TicketingServer.Identity;

    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddTicketingServer(configuration);

    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Jira:BaseUrl"] = "http://127.0.0.1:9/",
        ["Jira:Flavor"] = "Cloud",
        ["Jira:Anonymous"] = "true",
        ["Jira:Projects"] = "OPS",
        ["Jira:Http:MaxRetries"] = "0",
        ["Jira:AllowRawJql"] = "true",
    };

    public (string Tool, JsonObject Arguments) BackendCall => ("jira_list_projects", []);

    public void BreakBackend(IServiceCollection services, Exception failure) =>
        services.AddSingleton<IJiraGateway>(new FailingGateway(failure));

    public string CommandName => "mcp-ticketing";

    public IReadOnlyList<string> StdioArguments =>
        [.. Settings.SelectMany(s => new[] { "--set", $"{s.Key}={s.Value}" })];

    public string ManifestSnapshotPath => "tests/McpServers.Ticketing.Tests/ticketing.tools.json";

    private sealed class FailingGateway(Exception failure) : IJiraGateway
    {
        public Task<SearchPage> SearchAsync(IssueFilter filter, int? maxResults, string? cursor, CancellationToken cancellationToken) => throw failure;

        public Task<SearchPage> SearchJqlAsync(string condition, IssueOrder order, bool ascending, int? maxResults, string? cursor, CancellationToken cancellationToken) => throw failure;

        public Task<IssueDetail> GetIssueAsync(IssueKey key, int comments, CancellationToken cancellationToken) => throw failure;

        public Task<ProjectList> ListProjectsAsync(CancellationToken cancellationToken) => throw failure;

        public Task<TransitionList> ListTransitionsAsync(IssueKey key, CancellationToken cancellationToken) => throw failure;

        public Task<WriteResult> CreateIssueAsync(NewIssue issue, CancellationToken cancellationToken) => throw failure;

        public Task<WriteResult> AddCommentAsync(IssueKey key, string markdown, CancellationToken cancellationToken) => throw failure;

        public Task<WriteResult> TransitionAsync(IssueKey key, string transition, string? comment, CancellationToken cancellationToken) => throw failure;

        public Task<WriteResult> UpdateIssueAsync(IssueKey key, IssueChanges changes, CancellationToken cancellationToken) => throw failure;

        public Task<WriteResult> AssignAsync(IssueKey key, string? assignee, CancellationToken cancellationToken) => throw failure;

        public Task<JiraCheck> CheckAsync(CancellationToken cancellationToken) => throw failure;
    }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Jira;

/// <summary>Offered only when an administrator sets <c>Jira:AllowRawJql</c>; the condition stays inside the allowlist.</summary>
public sealed class SearchJqlTool(IJiraGateway gateway, ServerJson json)
{
    [McpServerTool(Name = "jira_search_jql", Title = "Search issues with JQL", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(SearchIssuesTool.Output))]
    [Description("Finds issues with a JQL condition (no ORDER BY), which the server ANDs with the allowed projects and has Jira validate first. Prefer jira_search_issues; use this for conditions it cannot express (e.g. \"fixVersion = 1.2 AND sprint in openSprints()\"). Paged like jira_search_issues.")]
    public async Task<CallToolResult> SearchJql(
        [Description("A JQL condition without ORDER BY, e.g. fixVersion = \"1.2\" AND issueLinkType = \"is blocked by\"."), StringLength(2000, MinimumLength = 1)] string jql,
        [Description("Sort field (default updated)."), AllowedValues("updated", "created", "priority", "key", "status", "duedate")] string? order_by = null,
        [Description("Sort ascending instead of descending.")] bool? ascending = null,
        [Description("Issues per page (default 25; the server caps it)."), Range(1, 1000)] int? max_results = null,
        [Description("next_cursor from a previous call with the same arguments, for the next page."), StringLength(4096)] string? cursor = null,
        CancellationToken cancellationToken = default) =>
        SearchIssuesTool.Result(await gateway.SearchJqlAsync(jql,
            IssueInput.Order(order_by), ascending ?? false, max_results, cursor, cancellationToken), json);

    /// <summary>The tool, or nothing when raw JQL is not enabled.</summary>
    internal static IEnumerable<McpServerTool> WhenEnabled(IServiceProvider services) =>
        // Read from the configuration, not the validated options: --print-tools needs no Jira URL or credentials.
        bool.TryParse(services.GetRequiredService<IConfiguration>()["Jira:AllowRawJql"], out bool allowed) && allowed
            ? [McpServerTool.Create(typeof(SearchJqlTool).GetMethod(nameof(SearchJql))!,
                static request => ActivatorUtilities.CreateInstance<SearchJqlTool>(request.Services ?? throw new InvalidOperationException("No request services.")),
                new McpServerToolCreateOptions { Services = services, SerializerOptions = services.GetRequiredService<ServerJson>().Options })]
            : [];
}

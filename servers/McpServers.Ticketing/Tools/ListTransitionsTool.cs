using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Ticketing.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools;

public sealed class ListTransitionsTool(IJiraGateway gateway)
{
    [McpServerTool(Name = "jira_list_transitions", Title = "List transitions", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(TransitionList))]
    [Description("Lists the workflow transitions the configured account can apply to an issue now (id, name, target status). Use before jira_transition_issue.")]
    public async Task<CallToolResult> ListTransitions(
        [Description("Issue key, e.g. OPS-123."), RegularExpression(IssueKey.Pattern), StringLength(IssueKey.MaxLength)] string issue_key,
        CancellationToken cancellationToken = default) =>
        ResultFormat.Transitions(await gateway.ListTransitionsAsync(IssueKey.Parse(issue_key), cancellationToken));
}

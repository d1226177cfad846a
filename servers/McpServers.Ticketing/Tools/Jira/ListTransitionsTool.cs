using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Jira;

/// <summary>The gateway's <see cref="TransitionList"/> is the structured content.</summary>
public sealed class ListTransitionsTool(IJiraGateway gateway, ServerJson json)
{
    [McpServerTool(Name = "jira_list_transitions", Title = "List transitions", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(TransitionList))]
    [Description("Lists the workflow transitions the configured account can apply to an issue now (id, name, target status). Use before jira_transition_issue.")]
    public async Task<CallToolResult> ListTransitions(
        [Description("Issue key, e.g. OPS-123."), RegularExpression(IssueKey.Pattern), StringLength(IssueKey.MaxLength)] string issue_key,
        CancellationToken cancellationToken = default)
    {
        TransitionList list = await gateway.ListTransitionsAsync(IssueKey.Parse(issue_key), cancellationToken);
        string text = list.Transitions.Count == 0
            ? $"{list.IssueKey} has no transitions available to the configured account."
            : $"Transitions available for {list.IssueKey}:\n" + string.Join('\n', list.Transitions.Select(t => $"{t.Name} (id {t.Id}) → {t.ToStatus}"));
        return ToolResult.Create(list, text, json);
    }
}

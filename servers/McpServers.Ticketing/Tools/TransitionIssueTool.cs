using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools;

public sealed class TransitionIssueTool(IJiraGateway gateway)
{
    [McpServerTool(Name = "jira_transition_issue", Title = "Transition issue", ReadOnly = false, Destructive = false, Idempotent = false,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(WriteResult))]
    [RequiresConfirmation]
    [Description("Moves an issue through its workflow (e.g. to In Progress or Done) by transition name, id or target status; when the transition is not available, the error lists the valid ones. Optionally adds a Markdown comment.")]
    public async Task<CallToolResult> TransitionIssue(
        [Description("Issue key, e.g. OPS-123."), RegularExpression(IssueKey.Pattern), StringLength(IssueKey.MaxLength)] string issue_key,
        [Description("Transition name or id, or target status name (see jira_list_transitions)."), StringLength(100, MinimumLength = 1)] string transition,
        [Description("Optional comment in Markdown added with the transition."), StringLength(32000)] string? comment = null,
        CancellationToken cancellationToken = default) =>
        ResultFormat.Write(await gateway.TransitionAsync(IssueKey.Parse(issue_key), transition, comment is null ? null : IssueInput.Comment(comment, nameof(comment)), cancellationToken));
}

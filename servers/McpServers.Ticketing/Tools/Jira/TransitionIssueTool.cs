using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Jira;

public sealed class TransitionIssueTool(IJiraGateway gateway, ServerJson json) : IConfirmableTool
{
    [McpServerTool(Name = "jira_transition_issue", Title = "Transition issue", ReadOnly = false, Destructive = false, Idempotent = false,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [RequiresConfirmation]
    [Description("Moves an issue through its workflow (e.g. to In Progress or Done) by transition name, id or target status; when the transition is not available, the error lists the valid ones. Optionally adds a Markdown comment.")]
    public async Task<CallToolResult> TransitionIssue(
        [Description("Issue key, e.g. OPS-123."), RegularExpression(IssueKey.Pattern), StringLength(IssueKey.MaxLength)] string issue_key,
        [Description("Transition name or id, or target status name (see jira_list_transitions)."), StringLength(100, MinimumLength = 1)] string transition,
        [Description("Optional comment in Markdown added with the transition."), StringLength(32000)] string? comment = null,
        CancellationToken cancellationToken = default)
    {
        (IssueWritten issue, TransitionInfo applied) = await gateway.TransitionAsync(IssueKey.Parse(issue_key), transition,
            comment is null ? null : IssueInput.Comment(comment, nameof(comment)), cancellationToken);
        string message = $"{issue.Key} moved with '{applied.Name}' to {applied.ToStatus}.";
        return ToolResult.Create(new Output(issue.Key, issue.Url, message), $"{message} {issue.Url}", json);
    }

    /// <summary>
    /// Reads the issue's available transitions (a read, no side effect) so an unknown transition or an issue outside
    /// the allowlist is refused before anyone is asked, and the preview names the exact target status.
    /// </summary>
    public async ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        IssueKey key = IssueKey.Parse(IssueInput.Text(arguments, "issue_key"));
        string transition = IssueInput.Text(arguments, "transition")!;
        string? comment = IssueInput.Text(arguments, "comment");
        if (comment is not null)
        {
            comment = IssueInput.Comment(comment, nameof(comment));
        }

        TransitionInfo chosen = TransitionInfo.Choose(
            (await gateway.ListTransitionsAsync(key, cancellationToken)).Transitions, key, transition);
        var text = new StringBuilder($"Move Jira issue {key.Value} with transition '{chosen.Name}' to status {chosen.ToStatus ?? "(not named by Jira)"}, as the configured Jira user.");
        IssueInput.AppendIfSet(text, "comment added with it (Markdown)", comment);
        return new ConfirmationPreview(text.ToString());
    }

    /// <summary>The structured content: the issue written, its link, and what was done.</summary>
    public sealed record Output(string IssueKey, string Url, string Message);
}

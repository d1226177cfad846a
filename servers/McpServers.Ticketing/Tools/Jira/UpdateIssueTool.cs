using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Jira;

public sealed class UpdateIssueTool(IJiraGateway gateway, ServerJson json)
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = IssueInput.MaxLengthJustification)]
    [McpServerTool(Name = "jira_update_issue", Title = "Update issue", ReadOnly = false, Destructive = true, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Changes an issue's summary, description (Markdown), labels (replaces them all) or priority; only these fields can be changed. Omitted fields stay as they are.")]
    public async Task<CallToolResult> UpdateIssue(
        [Description("Issue key, e.g. OPS-123."), RegularExpression(IssueKey.Pattern), StringLength(IssueKey.MaxLength)] string issue_key,
        [Description("New one-line summary."), StringLength(255, MinimumLength = 1), RegularExpression(IssueInput.SingleLinePattern)] string? summary = null,
        [Description("New description in Markdown (replaces the old one)."), StringLength(32000)] string? description = null,
        [Description("New labels, replacing the current ones (no spaces)."), MaxLength(IssueInput.MaxListItems)] IReadOnlyList<string>? labels = null,
        [Description("New priority name, e.g. High."), StringLength(60, MinimumLength = 1)] string? priority = null,
        CancellationToken cancellationToken = default)
    {
        (IssueWritten issue, IReadOnlyList<string> fields) = await gateway.UpdateIssueAsync(IssueKey.Parse(issue_key),
            new IssueChanges(summary is null ? null : IssueInput.Summary(summary), IssueInput.Text(description), labels is null ? null : IssueInput.Labels(labels), priority), cancellationToken);
        string message = $"Updated {string.Join(", ", fields)} of {issue.Key}.";
        return ToolResult.Create(new Output(issue.Key, issue.Url, message), $"{message} {issue.Url}", json);
    }

    /// <summary>The structured content: the issue written, its link, and what was done.</summary>
    public sealed record Output(string IssueKey, string Url, string Message);
}

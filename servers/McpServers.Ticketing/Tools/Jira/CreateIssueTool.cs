using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend;
using McpServers.Ticketing.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Jira;

public sealed class CreateIssueTool(IJiraGateway gateway, JiraOptions options, ServerJson json) : IConfirmableTool
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = IssueInput.MaxLengthJustification)]
    [McpServerTool(Name = "jira_create_issue", Title = "Create issue", ReadOnly = false, Destructive = false, Idempotent = false,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [RequiresConfirmation]
    [Description("Creates a Jira issue in an allowed project as the configured user. The description is Markdown (headings, lists, bold, italic, code, links), converted to Jira's format. Returns the new key and URL.")]
    public async Task<CallToolResult> CreateIssue(
        [Description("Project key, one of the allowed projects (see jira_list_projects)."), RegularExpression("^[A-Z][A-Z0-9_]+$")] string project,
        [Description("Issue type name, e.g. Bug, Task, Story."), StringLength(60, MinimumLength = 1)] string issue_type,
        [Description("One-line summary."), StringLength(255, MinimumLength = 1), RegularExpression(IssueInput.SingleLinePattern)] string summary,
        [Description("Description in Markdown."), StringLength(32000)] string? description = null,
        [Description("Priority name, e.g. High."), StringLength(60, MinimumLength = 1)] string? priority = null,
        [Description("Labels (no spaces)."), MaxLength(IssueInput.MaxListItems)] IReadOnlyList<string>? labels = null,
        [Description("\"me\", or an account id (Cloud) / user name (Data Center)."), StringLength(128, MinimumLength = 1)] string? assignee = null,
        CancellationToken cancellationToken = default)
    {
        IssueWritten issue = await gateway.CreateIssueAsync(
            new NewIssue(project, issue_type, IssueInput.Summary(summary), IssueInput.Text(description), priority, IssueInput.Labels(labels), assignee), cancellationToken);
        string message = $"Created {issue.Key}.";
        return ToolResult.Create(new Output(issue.Key, issue.Url, message), $"{message} {issue.Url}", json);
    }

    /// <summary>Checks what Jira would refuse (project outside the allowlist, labels with spaces) before anyone is asked.</summary>
    public ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string project = IssueInput.Text(arguments, "project")!;
        if (!options.Projects.Contains(project, StringComparer.Ordinal))
        {
            throw new ToolInputException($"`project` must be one of the allowed projects: {string.Join(", ", options.Projects)}.");
        }

        IReadOnlyList<string> labels = IssueInput.Labels(IssueInput.List(arguments, "labels"));
        string summary = IssueInput.Summary(IssueInput.Text(arguments, "summary") ?? string.Empty);
        var text = new StringBuilder($"Create a new Jira issue in project {project} as the configured Jira user:");
        IssueInput.AppendIfSet(text, "type", IssueInput.Text(arguments, "issue_type"));
        IssueInput.AppendIfSet(text, "summary", summary);
        IssueInput.AppendIfSet(text, "priority", IssueInput.Text(arguments, "priority"));
        IssueInput.AppendIfSet(text, "labels", labels.Count == 0 ? null : string.Join(", ", labels));
        IssueInput.AppendIfSet(text, "assignee", IssueInput.Text(arguments, "assignee") is "me" ? "me (the configured Jira user)" : IssueInput.Text(arguments, "assignee"));
        IssueInput.AppendIfSet(text, "description (Markdown)", IssueInput.Text(IssueInput.Text(arguments, "description")));
        return ValueTask.FromResult(new ConfirmationPreview(text.ToString()));
    }

    /// <summary>The structured content: the issue written, its link, and what was done.</summary>
    public sealed record Output(string IssueKey, string Url, string Message);
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Jira;

/// <summary>The issue as the gateway reads it is the structured content: <see cref="IssueDetail"/>.</summary>
public sealed class GetIssueTool(IJiraGateway gateway, ServerJson json)
{
    [McpServerTool(Name = "jira_get_issue", Title = "Get issue", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(IssueDetail))]
    [Description("Reads one Jira issue: fields, description and the newest comments as Markdown, parent, subtasks and linked issues (e.g. 'is blocked by').")]
    public async Task<CallToolResult> GetIssue(
        [Description("Issue key, e.g. OPS-123."), RegularExpression(IssueKey.Pattern), StringLength(IssueKey.MaxLength)] string issue_key,
        [Description("How many of the newest comments to include (default 5; the server caps it)."), Range(0, 100)] int? comments = null,
        CancellationToken cancellationToken = default)
    {
        IssueDetail d = await gateway.GetIssueAsync(IssueKey.Parse(issue_key), comments ?? 5, cancellationToken);
        var text = new StringBuilder();
        text.Append(d.Key).Append(": ").Append(d.Summary).Append('\n')
            .Append("status: ").Append(d.Status).Append(" | type: ").Append(d.Type).Append(" | priority: ").Append(d.Priority ?? "none")
            .Append("\nassignee: ").Append(d.Assignee ?? "unassigned").Append(" | reporter: ").Append(d.Reporter)
            .Append("\ncreated: ").Append(d.Created).Append(" | updated: ").Append(d.Updated).Append('\n');
        if (d.Labels.Count > 0)
        {
            text.Append("labels: ").AppendJoin(", ", d.Labels).Append('\n');
        }

        if (d.Parent is { } parent)
        {
            text.Append("parent: ").Append(parent.Key).Append(' ').Append(parent.Summary).Append('\n');
        }

        text.Append(d.Url).Append("\n\n").Append(d.Description.Length == 0 ? "(no description)" : d.Description).Append('\n');
        foreach (IssueRef s in d.Subtasks)
        {
            text.Append("\nsubtask ").Append(s.Key).Append(" [").Append(s.Status).Append("] ").Append(s.Summary);
        }

        foreach (IssueLinkInfo l in d.Links)
        {
            text.Append('\n').Append(l.Relation).Append(' ').Append(l.Key).Append(" [").Append(l.Status).Append("] ").Append(l.Summary);
        }

        if (d.Comments.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n\ncomments (newest {d.Comments.Count} of {d.CommentsTotal}):");
            foreach (CommentInfo c in d.Comments)
            {
                text.Append("\n--- ").Append(c.Author).Append(", ").Append(c.Created).Append('\n').Append(c.Body);
            }
        }

        return ToolResult.Create(d, text.ToString().TrimEnd(), json);
    }
}

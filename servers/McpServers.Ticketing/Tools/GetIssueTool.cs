using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Ticketing.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools;

public sealed class GetIssueTool(IJiraGateway gateway)
{
    [McpServerTool(Name = "jira_get_issue", Title = "Get issue", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(IssueDetail))]
    [Description("Reads one Jira issue: fields, description and the newest comments as Markdown, parent, subtasks and linked issues (e.g. 'is blocked by').")]
    public async Task<CallToolResult> GetIssue(
        [Description("Issue key, e.g. OPS-123."), RegularExpression(IssueKey.Pattern), StringLength(IssueKey.MaxLength)] string issue_key,
        [Description("How many of the newest comments to include (default 5; the server caps it)."), Range(0, 100)] int? comments = null,
        CancellationToken cancellationToken = default) =>
        ResultFormat.Issue(await gateway.GetIssueAsync(IssueKey.Parse(issue_key), comments ?? 5, cancellationToken));
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Jira;

public sealed class AssignIssueTool(IJiraGateway gateway, ServerJson json)
{
    [McpServerTool(Name = "jira_assign_issue", Title = "Assign issue", ReadOnly = false, Destructive = true, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Assigns an issue to \"me\" (the configured account), to a user by account id (Cloud) or user name (Data Center), or unassigns it with \"unassigned\".")]
    public async Task<CallToolResult> AssignIssue(
        [Description("Issue key, e.g. OPS-123."), RegularExpression(IssueKey.Pattern), StringLength(IssueKey.MaxLength)] string issue_key,
        [Description("\"me\", \"unassigned\", or an account id (Cloud) / user name (Data Center)."), StringLength(128, MinimumLength = 1)] string assignee,
        CancellationToken cancellationToken = default)
    {
        bool unassign = assignee == "unassigned";
        IssueWritten issue = await gateway.AssignAsync(IssueKey.Parse(issue_key), unassign ? null : assignee, cancellationToken);
        string message = unassign ? $"{issue.Key} is now unassigned." : $"{issue.Key} assigned.";
        return ToolResult.Create(new Output(issue.Key, issue.Url, message), $"{message} {issue.Url}", json);
    }

    /// <summary>The structured content: the issue written, its link, and what was done.</summary>
    public sealed record Output(string IssueKey, string Url, string Message);
}

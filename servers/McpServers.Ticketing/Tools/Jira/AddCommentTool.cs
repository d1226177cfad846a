using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Jira;

public sealed class AddCommentTool(IJiraGateway gateway, ServerJson json)
{
    [McpServerTool(Name = "jira_add_comment", Title = "Add comment", ReadOnly = false, Destructive = false, Idempotent = false,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Adds a comment (Markdown, converted to Jira's format) to an issue in an allowed project, as the configured user.")]
    public async Task<CallToolResult> AddComment(
        [Description("Issue key, e.g. OPS-123."), RegularExpression(IssueKey.Pattern), StringLength(IssueKey.MaxLength)] string issue_key,
        [Description("Comment text in Markdown."), StringLength(32000, MinimumLength = 1)] string body,
        CancellationToken cancellationToken = default)
    {
        IssueWritten issue = await gateway.AddCommentAsync(IssueKey.Parse(issue_key), IssueInput.Comment(body, nameof(body)), cancellationToken);
        string message = $"Comment added to {issue.Key}.";
        return ToolResult.Create(new Output(issue.Key, issue.Url, message), $"{message} {issue.Url}", json);
    }

    /// <summary>The structured content: the issue written, its link, and what was done.</summary>
    public sealed record Output(string IssueKey, string Url, string Message);
}

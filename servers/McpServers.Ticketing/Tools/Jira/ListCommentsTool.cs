using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using McpServers.Ticketing.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Jira;

public sealed class ListCommentsTool(IJiraGateway gateway, ServerJson json)
{
    [McpServerTool(Name = "jira_list_comments", Title = "List comments", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Reads an issue's whole comment thread as Markdown (author, time, text), oldest first unless newest_first, page by page: when cut, next_cursor fetches the next page. Use when jira_get_issue's newest comments are not enough.")]
    public async Task<CallToolResult> ListComments(
        [Description("Issue key, e.g. OPS-123."), RegularExpression(IssueKey.Pattern), StringLength(IssueKey.MaxLength)] string issue_key,
        [Description("Newest comments first instead of oldest first.")] bool? newest_first = null,
        [Description("Comments per page (default and cap: the server's Jira:MaxComments)."), Range(1, 100)] int? max_results = null,
        [Description("next_cursor from a previous call with the same issue and order, for the next page."), StringLength(4096)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        bool newest = newest_first ?? false;
        CommentPage page = await gateway.ListCommentsAsync(IssueKey.Parse(issue_key), newest, max_results, cursor, cancellationToken);
        int count = page.Comments.Count;
        string? notice = page.NextCursor is null ? null
            : Truncation.Cut(count, page.Total, page.NextCursor, $"page size {page.PageSize}").Notice();
        var text = new StringBuilder(count == 0
            ? $"No {(cursor is null ? "" : "more ")}comments on {page.IssueKey}."
            : string.Create(CultureInfo.InvariantCulture, $"{count} comment{(count == 1 ? "" : "s")} on {page.IssueKey}, {(newest ? "newest" : "oldest")} first:"));
        foreach (CommentInfo c in page.Comments)
        {
            text.Append("\n--- ").Append(c.Author).Append(", ").Append(c.Created).Append('\n').Append(c.Body);
        }

        if (notice is not null)
        {
            text.Append("\n\n").Append(notice).Append("\nnext_cursor: ").Append(page.NextCursor);
        }

        return ToolResult.Create(new Output(page.IssueKey, page.Comments, count, notice is not null, page.Total, page.NextCursor, notice), text.ToString(), json);
    }

    /// <summary>
    /// A page of comments. <see cref="Truncated"/> is set, with <see cref="NextCursor"/> and a <see cref="Notice"/>
    /// saying how to go on, when the issue has more.
    /// </summary>
    public sealed record Output(string IssueKey, IReadOnlyList<CommentInfo> Comments, int Count, bool Truncated, long? Total,
        string? NextCursor, string? Notice);
}

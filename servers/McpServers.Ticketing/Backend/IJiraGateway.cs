using McpServers.Shared.Errors;
using McpServers.Shared.Text;

namespace McpServers.Ticketing.Backend;

/// <summary>
/// The only code that talks to Jira. Every method enforces the project allowlist. It returns facts (records below,
/// all text cleaned and capped), never sentences for the model: those are the tools' to write.
/// </summary>
public interface IJiraGateway
{
    Task<SearchPage> SearchAsync(IssueFilter filter, int? maxResults, string? cursor, CancellationToken cancellationToken);

    /// <summary>An administrator-enabled raw JQL condition, ANDed with the allowlist and validated by Jira first.</summary>
    Task<SearchPage> SearchJqlAsync(string condition, IssueOrder order, bool ascending, int? maxResults, string? cursor, CancellationToken cancellationToken);

    Task<IssueDetail> GetIssueAsync(IssueKey key, int comments, CancellationToken cancellationToken);

    /// <summary>
    /// One page of an issue's comments, oldest (or newest) first, at most <c>Jira:MaxComments</c> a page;
    /// <paramref name="cursor"/> is the previous page's <see cref="CommentPage.NextCursor"/>.
    /// </summary>
    Task<CommentPage> ListCommentsAsync(IssueKey key, bool newestFirst, int? maxResults, string? cursor, CancellationToken cancellationToken);

    Task<ProjectList> ListProjectsAsync(CancellationToken cancellationToken);

    Task<TransitionList> ListTransitionsAsync(IssueKey key, CancellationToken cancellationToken);

    Task<IssueWritten> CreateIssueAsync(NewIssue issue, CancellationToken cancellationToken);

    Task<IssueWritten> AddCommentAsync(IssueKey key, string markdown, CancellationToken cancellationToken);

    /// <summary>Returns the transition applied (Jira's, chosen by <see cref="TransitionInfo.Choose"/>).</summary>
    Task<(IssueWritten Issue, TransitionInfo Applied)> TransitionAsync(IssueKey key, string transition, string? comment, CancellationToken cancellationToken);

    /// <summary>Returns the Jira field names sent (summary, description, labels, priority).</summary>
    Task<(IssueWritten Issue, IReadOnlyList<string> Fields)> UpdateIssueAsync(IssueKey key, IssueChanges changes, CancellationToken cancellationToken);

    /// <summary><paramref name="assignee"/>: an account id (Cloud) or user name (DC), <c>me</c>, or null to unassign.</summary>
    Task<IssueWritten> AssignAsync(IssueKey key, string? assignee, CancellationToken cancellationToken);

    Task<JiraCheck> CheckAsync(CancellationToken cancellationToken);
}

// What the gateway returns. Where a record is also a tool's structured content it is written snake_case.

public sealed record IssueSummary(string Key, string Summary, string? Status, string? StatusCategory, string? Type,
    string? Priority, string? Assignee, string? Updated, string Url);

/// <summary>One page of a search: <see cref="NextCursor"/> is set when Jira has more than this page (at most <see cref="PageSize"/> issues).</summary>
public sealed record SearchPage(string Jql, IReadOnlyList<IssueSummary> Issues, long? Total, string? NextCursor, int PageSize);

public sealed record IssueRef(string Key, string? Summary, string? Status);

public sealed record IssueLinkInfo(string Relation, string Key, string? Summary, string? Status);

public sealed record CommentInfo(string? Author, string? Created, string Body);

public sealed record IssueDetail(string Key, string Url, string Summary, string? Status, string? StatusCategory, string? Type,
    string? Priority, string? Assignee, string? Reporter, string? Created, string? Updated, IReadOnlyList<string> Labels,
    IssueRef? Parent, string Description, IReadOnlyList<IssueRef> Subtasks, IReadOnlyList<IssueLinkInfo> Links,
    IReadOnlyList<CommentInfo> Comments, int CommentsTotal);

/// <summary>A page of comments of <see cref="IssueKey"/> (its current key); <see cref="NextCursor"/> is set when there are more.</summary>
public sealed record CommentPage(string IssueKey, IReadOnlyList<CommentInfo> Comments, long? Total, string? NextCursor, int PageSize);

public sealed record ProjectInfo(string Key, string? Name, string? Type);

public sealed record ProjectList(IReadOnlyList<ProjectInfo> Projects, IReadOnlyList<string> NotVisible);

public sealed record TransitionInfo(string Id, string Name, string? ToStatus)
{
    /// <summary>
    /// The one matching rule, used by the confirmation pre-check and the write alike: id, then transition name, then
    /// target status; otherwise an input error listing the valid transitions.
    /// </summary>
    public static TransitionInfo Choose(IReadOnlyList<TransitionInfo> available, IssueKey key, string transition)
    {
        ArgumentNullException.ThrowIfNull(available);
        ArgumentNullException.ThrowIfNull(key);
        return available.FirstOrDefault(t => t.Id == transition)
            ?? available.FirstOrDefault(t => string.Equals(t.Name, transition, StringComparison.OrdinalIgnoreCase))
            ?? available.FirstOrDefault(t => string.Equals(t.ToStatus, transition, StringComparison.OrdinalIgnoreCase))
            ?? throw new ToolInputException(available.Count == 0
                ? $"{key.Value} has no transitions available to the configured account right now."
                : $"`transition` '{TextHygiene.Clean(transition)}' is not available for {key.Value} now. Valid transitions: " +
                  string.Join("; ", available.Select(t => $"{t.Name} (id {t.Id}) → {t.ToStatus}")) + ".");
    }
}

public sealed record TransitionList(string IssueKey, IReadOnlyList<TransitionInfo> Transitions);

/// <summary>The issue a write created or changed (its current key: a moved issue answers under its new one) and its link.</summary>
public sealed record IssueWritten(string Key, string Url);

/// <summary>A new issue; <see cref="Description"/> is Markdown, converted to ADF (Cloud) or wiki markup (DC).</summary>
public sealed record NewIssue(string Project, string Type, string Summary, string? Description, string? Priority,
    IReadOnlyList<string> Labels, string? Assignee);

/// <summary>Changes to an issue, only from the fixed allowlist of fields; null leaves a field alone.</summary>
public sealed record IssueChanges(string? Summary, string? Description, IReadOnlyList<string>? Labels, string? Priority);

public sealed record JiraCheck(string Flavor, string? Version, string Account);

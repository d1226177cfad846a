using McpServers.Shared.Errors;
using McpServers.Shared.Text;

namespace McpServers.Ticketing.Backend;

// What the gateway returns; also the tools' structured content (snake_case on the wire). All text is cleaned.

public sealed record IssueSummary(string Key, string Summary, string? Status, string? StatusCategory, string? Type,
    string? Priority, string? Assignee, string? Updated, string Url);

public sealed record SearchPage(string Jql, IReadOnlyList<IssueSummary> Issues, int Count, bool Truncated, long? Total,
    string? NextCursor, string? Notice);

public sealed record IssueRef(string Key, string? Summary, string? Status);

public sealed record IssueLinkInfo(string Relation, string Key, string? Summary, string? Status);

public sealed record CommentInfo(string? Author, string? Created, string Body);

public sealed record IssueDetail(string Key, string Url, string Summary, string? Status, string? StatusCategory, string? Type,
    string? Priority, string? Assignee, string? Reporter, string? Created, string? Updated, IReadOnlyList<string> Labels,
    IssueRef? Parent, string Description, IReadOnlyList<IssueRef> Subtasks, IReadOnlyList<IssueLinkInfo> Links,
    IReadOnlyList<CommentInfo> Comments, int CommentsTotal);

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

/// <summary>The outcome of a write: which issue, where to see it, and what happened.</summary>
public sealed record WriteResult(string IssueKey, string Url, string Message);

/// <summary>A new issue; <see cref="Description"/> is Markdown, converted to ADF (Cloud) or wiki markup (DC).</summary>
public sealed record NewIssue(string Project, string Type, string Summary, string? Description, string? Priority,
    IReadOnlyList<string> Labels, string? Assignee);

/// <summary>Changes to an issue, only from the fixed allowlist of fields; null leaves a field alone.</summary>
public sealed record IssueChanges(string? Summary, string? Description, IReadOnlyList<string>? Labels, string? Priority);

public sealed record JiraCheck(string Flavor, string? Version, string Account);

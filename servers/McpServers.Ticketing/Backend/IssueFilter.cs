namespace McpServers.Ticketing.Backend;

/// <summary>Jira's three fixed status categories.</summary>
public enum StatusCategory
{
    ToDo,
    InProgress,
    Done,
}

/// <summary>The fields results can be ordered by (a fixed set: nothing else reaches ORDER BY).</summary>
public enum IssueOrder
{
    Updated,
    Created,
    Priority,
    Key,
    Status,
    DueDate,
}

/// <summary>A structured issue search; <see cref="Jql"/> turns it into JQL. All conditions must hold.</summary>
public sealed record IssueFilter
{
    public IReadOnlyList<string> Projects { get; init; } = [];

    public IReadOnlyList<string> Statuses { get; init; } = [];

    public StatusCategory? StatusCategory { get; init; }

    /// <summary>An account id (Cloud) or user name (Data Center), or <c>me</c>, or <c>unassigned</c>.</summary>
    public string? Assignee { get; init; }

    /// <summary>An account id (Cloud) or user name (Data Center), or <c>me</c>.</summary>
    public string? Reporter { get; init; }

    public IReadOnlyList<string> Types { get; init; } = [];

    public IReadOnlyList<string> Priorities { get; init; } = [];

    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Words searched in summary, description and comments (Jira's <c>text ~</c>).</summary>
    public string? Text { get; init; }

    public DateOnly? CreatedFrom { get; init; }

    public DateOnly? CreatedBefore { get; init; }

    public DateOnly? UpdatedFrom { get; init; }

    public DateOnly? UpdatedBefore { get; init; }

    public IssueOrder OrderBy { get; init; } = IssueOrder.Updated;

    public bool Ascending { get; init; }
}

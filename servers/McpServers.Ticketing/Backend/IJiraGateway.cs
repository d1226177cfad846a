namespace McpServers.Ticketing.Backend;

/// <summary>The only code that talks to Jira. Every method enforces the project allowlist.</summary>
public interface IJiraGateway
{
    Task<SearchPage> SearchAsync(IssueFilter filter, int? maxResults, string? cursor, CancellationToken cancellationToken);

    /// <summary>An administrator-enabled raw JQL condition, ANDed with the allowlist and validated by Jira first.</summary>
    Task<SearchPage> SearchJqlAsync(string condition, IssueOrder order, bool ascending, int? maxResults, string? cursor, CancellationToken cancellationToken);

    Task<IssueDetail> GetIssueAsync(IssueKey key, int comments, CancellationToken cancellationToken);

    Task<ProjectList> ListProjectsAsync(CancellationToken cancellationToken);

    Task<TransitionList> ListTransitionsAsync(IssueKey key, CancellationToken cancellationToken);

    Task<WriteResult> CreateIssueAsync(NewIssue issue, CancellationToken cancellationToken);

    Task<WriteResult> AddCommentAsync(IssueKey key, string markdown, CancellationToken cancellationToken);

    Task<WriteResult> TransitionAsync(IssueKey key, string transition, string? comment, CancellationToken cancellationToken);

    Task<WriteResult> UpdateIssueAsync(IssueKey key, IssueChanges changes, CancellationToken cancellationToken);

    /// <summary><paramref name="assignee"/>: an account id (Cloud) or user name (DC), <c>me</c>, or null to unassign.</summary>
    Task<WriteResult> AssignAsync(IssueKey key, string? assignee, CancellationToken cancellationToken);

    Task<JiraCheck> CheckAsync(CancellationToken cancellationToken);
}

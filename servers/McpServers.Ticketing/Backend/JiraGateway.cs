using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using McpServers.Ticketing.Options;
using Microsoft.Extensions.Logging;

namespace McpServers.Ticketing.Backend;

/// <summary>
/// Jira over its documented REST API, Cloud or Data Center (see <see cref="JiraDialect"/>). Every request carries the
/// configured user's credentials, so Jira's own audit log names that person. Every issue touched is checked against
/// the project allowlist, before the call (by key) and after it (an issue moved to another project keeps answering
/// to its old key). <paramref name="accountKnown"/> hears, once, the display name and user id of the account Jira
/// says the server acts as (the registration puts them in the audit context).
/// </summary>
internal sealed partial class JiraGateway(HttpClient http, JiraOptions options, Action<string?, string?> accountKnown, ILogger<JiraGateway> logger) : IJiraGateway
{
    public const string HttpClientName = "Jira";

    private const string System = "Jira";
    private const int MaxErrorMessages = 5;

    // Caps on what one reply can carry from Jira, whatever Jira sends: text fields are cut (Jira's own summary limit
    // is 255), lists are shortened. A 5 MB summary must not become a 10 MB MCP message that clients drop.
    private const int MaxSummaryChars = 1000;
    private const int MaxNameChars = 200;
    private const int MaxLabels = 100;
    private const int MaxRelated = 100;
    private const int ProjectPageSize = 50;
    private const int MaxProjectPages = 20;

    private static readonly string[] SearchFields = ["summary", "status", "issuetype", "priority", "assignee", "updated", "project"];
    private static readonly string[] IssueFields =
        ["summary", "status", "issuetype", "priority", "assignee", "reporter", "created", "updated", "labels", "description",
         "project", "subtasks", "issuelinks", "parent"];

    private readonly Lock _gate = new();
    private Task<JiraDialect>? _dialect;
    // Per caller (HTTP mode with per-user sign-in: each caller's own Jira account); over stdio one entry, "".
    private readonly Dictionary<string, Task<JiraUser>> _myself = new(StringComparer.Ordinal);
    private Task<string>? _cloudPrefix;

    public Task<SearchPage> SearchAsync(IssueFilter filter, int? maxResults, string? cursor, CancellationToken cancellationToken) =>
        RunSearchAsync(Jql.Build(filter, options.Projects), maxResults, cursor, validate: false, cancellationToken);

    public Task<SearchPage> SearchJqlAsync(string condition, IssueOrder order, bool ascending, int? maxResults, string? cursor,
        CancellationToken cancellationToken)
    {
        if (!options.AllowRawJql)
        {
            throw new ToolInputException("Raw JQL is not enabled on this server (Jira:AllowRawJql); use jira_search_issues.");
        }

        return RunSearchAsync(Jql.WithRawCondition(condition, options.Projects, order, ascending), maxResults, cursor, validate: true, cancellationToken);
    }

    private async Task<SearchPage> RunSearchAsync(string jql, int? maxResults, string? cursor, bool validate, CancellationToken cancellationToken)
    {
        JiraDialect dialect = await ReadyAsync(cancellationToken);
        string scope = "jira_search_issues:" + dialect.Name + ":" + jql;
        string? position = cursor is null ? null : OpaqueCursor.Decode(scope, cursor);
        int limit = Math.Min(maxResults ?? options.DefaultMaxResults, options.MaxResults);
        if (validate && position is null && dialect.ParsePath is { } parsePath)
        {
            await ValidateAsync(parsePath, jql, cancellationToken);
        }

        var body = dialect.SearchRequest(jql, limit, SearchFields, position);
        using var request = new HttpRequestMessage(HttpMethod.Post, dialect.SearchPath)
        {
            Content = Json(body, JiraJsonContext.Default.JiraSearchRequest),
        };
        // A search sent as POST changes nothing: safe to retry.
        request.MarkIdempotent();
        JiraSearchResponse response = await SendAsync(request, JiraJsonContext.Default.JiraSearchResponse, "The search", cancellationToken);

        // Issues outside the allowlist (or with a malformed key) cannot be in an answer to an allowlisted JQL: drop them.
        IssueSummary[] issues = [.. (response.Issues ?? []).Take(limit).Select(Summary).OfType<IssueSummary>()];
        string? next = dialect.NextPosition(response, position, issues.Length);
        string? nextCursor = next is null ? null : OpaqueCursor.Encode(scope, next);
        // Without a next page, a first page is the whole answer even when Jira does not count (Cloud's search/jql).
        long? total = response.Total ?? (nextCursor is null && position is null ? issues.Length : null);
        return new SearchPage(jql, issues, total, nextCursor, limit);
    }

    /// <summary>
    /// Jira Cloud's JQL parser ("Parse JQL query", strict validation) checks the whole query, allowlist included,
    /// before it runs. Data Center has no parse endpoint; its search validates strictly itself and answers 400.
    /// </summary>
    private async Task ValidateAsync(string parsePath, string jql, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["queries"] = new JsonArray(JsonValue.Create(jql)) };
        using var request = new HttpRequestMessage(HttpMethod.Post, parsePath) { Content = Json(body) };
        request.MarkIdempotent();
        JiraParseResponse parsed = await SendAsync(request, JiraJsonContext.Default.JiraParseResponse, "The JQL parser", cancellationToken);
        string[] errors = [.. (parsed.Queries ?? []).SelectMany(q => q.Errors ?? []).Select(e => TextHygiene.CleanAndTruncate(e, 200).ReplaceLineEndings(" "))];
        if (errors.Length > 0)
        {
            throw new ToolInputException("Jira could not parse `jql`: " + string.Join("; ", errors.Take(MaxErrorMessages)));
        }
    }

    public async Task<IssueDetail> GetIssueAsync(IssueKey key, int comments, CancellationToken cancellationToken)
    {
        Allowed(key);
        JiraDialect dialect = await ReadyAsync(cancellationToken);
        JiraIssue issue = await GetJsonAsync(dialect.Api + "issue/" + key.Segment + "?fields=" + string.Join(',', IssueFields),
            JiraJsonContext.Default.JiraIssue, NotFound(key), cancellationToken);
        JiraFields f = issue.Fields ?? throw new BackendException(BackendErrorKind.Unavailable, "Jira returned an issue without fields.");
        if (Trusted(issue.Key) is not { } returned || f.Project?.Key is not { } project || project != returned.Project)
        {
            // The key redirected into a project outside the allowlist (the issue was moved), or Jira answered with
            // a key that is not one: nothing of it is shown, and the key is never reused in a URL.
            throw new BackendException(BackendErrorKind.NotFound, NotVisible(NotFound(key)));
        }

        int limit = Math.Min(comments, options.MaxComments);
        JiraCommentPage page = limit == 0
            ? new JiraCommentPage([], 0)
            : await GetJsonAsync(string.Create(CultureInfo.InvariantCulture,
                $"{dialect.Api}issue/{returned.Segment}/comment?orderBy=-created&maxResults={limit}"),
                JiraJsonContext.Default.JiraCommentPage, NotFound(key), cancellationToken);

        return new IssueDetail(
            returned.Value, Browse(returned), Line(f.Summary, MaxSummaryChars), Name(f.Status?.Name), Name(f.Status?.StatusCategory?.Name),
            Name(f.IssueType?.Name), Name(f.Priority?.Name), UserName(f.Assignee), UserName(f.Reporter), Optional(f.Created), Optional(f.Updated),
            [.. (f.Labels ?? []).Take(MaxLabels).Select(Name)],
            f.Parent is { } parent ? Ref(parent) : null,
            Text(dialect, f.Description),
            [.. (f.Subtasks ?? []).Select(Ref).OfType<IssueRef>().Take(MaxRelated)],
            [.. (f.IssueLinks ?? []).Select(Link).OfType<IssueLinkInfo>().Take(MaxRelated)],
            [.. (page.Comments ?? []).Take(limit).Select(c => Comment(dialect, c))],
            page.Total ?? page.Comments?.Count ?? 0);
    }

    public async Task<CommentPage> ListCommentsAsync(IssueKey key, bool newestFirst, int? maxResults, string? cursor, CancellationToken cancellationToken)
    {
        Allowed(key);
        if (options.MaxComments == 0)
        {
            throw new ToolInputException("Comments are not shown by this server (Jira:MaxComments is 0).");
        }

        JiraDialect dialect = await ReadyAsync(cancellationToken);
        // Comments are the issue's content: an issue moved out of the allowlist shows none.
        key = await StillAllowedAsync(dialect, key, cancellationToken);
        string scope = "jira_list_comments:" + key.Value + (newestFirst ? ":newest" : ":oldest");
        // The cursor is signed by this process, so its offset is one this server wrote.
        int start = cursor is null ? 0 : int.Parse(OpaqueCursor.Decode(scope, cursor), CultureInfo.InvariantCulture);
        int limit = Math.Min(maxResults ?? options.MaxComments, options.MaxComments);
        JiraCommentPage page = await GetJsonAsync(string.Create(CultureInfo.InvariantCulture,
            $"{dialect.Api}issue/{key.Segment}/comment?orderBy={(newestFirst ? "-created" : "created")}&startAt={start}&maxResults={limit}"),
            JiraJsonContext.Default.JiraCommentPage, NotFound(key), cancellationToken);
        CommentInfo[] comments = [.. (page.Comments ?? []).Take(limit).Select(c => Comment(dialect, c))];
        int next = start + comments.Length;
        bool more = comments.Length > 0 && (page.Total is { } total ? next < total : comments.Length == limit);
        return new CommentPage(key.Value, comments, page.Total,
            more ? OpaqueCursor.Encode(scope, next.ToString(CultureInfo.InvariantCulture)) : null, limit);
    }

    public async Task<ProjectList> ListProjectsAsync(CancellationToken cancellationToken)
    {
        JiraDialect dialect = await ReadyAsync(cancellationToken);
        IReadOnlyList<JiraProject> all = dialect.ProjectSearchPath is { } searchPath
            ? await SearchProjectsAsync(searchPath, cancellationToken)
            : await GetJsonAsync(dialect.Api + "project", JiraJsonContext.Default.IReadOnlyListJiraProject, "The project list", cancellationToken);
        ProjectInfo[] allowed = [.. all.Where(p => p.Key is { } k && options.Projects.Contains(k, StringComparer.Ordinal))
            .DistinctBy(p => p.Key)
            .Select(p => new ProjectInfo(p.Key!, Name(p.Name), Name(p.ProjectTypeKey)))];
        return new ProjectList(allowed, [.. options.Projects.Where(k => !allowed.Any(p => p.Key == k))]);
    }

    /// <summary>
    /// Cloud's "Get projects paginated", asking only for the allowed keys (<c>keys=OPS&amp;keys=WEB</c>, at most 50 a
    /// request) and following <c>startAt</c> until <c>isLast</c>. The un-paginated <c>/project</c> is deprecated on Cloud.
    /// </summary>
    private async Task<IReadOnlyList<JiraProject>> SearchProjectsAsync(string searchPath, CancellationToken cancellationToken)
    {
        var projects = new List<JiraProject>();
        foreach (string[] keys in options.Projects.Chunk(ProjectPageSize))
        {
            string filter = string.Concat(keys.Select(k => "&keys=" + Uri.EscapeDataString(k)));
            int start = 0;
            for (int pages = 0; pages < MaxProjectPages; pages++)
            {
                JiraProjectPage page = await GetJsonAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{searchPath}?startAt={start}&maxResults={ProjectPageSize}{filter}"), JiraJsonContext.Default.JiraProjectPage, "The project list", cancellationToken);
                IReadOnlyList<JiraProject> values = page.Values ?? [];
                projects.AddRange(values);
                if (page.IsLast != false || values.Count == 0)
                {
                    break;
                }

                start += values.Count;
            }
        }

        return projects;
    }

    public async Task<TransitionList> ListTransitionsAsync(IssueKey key, CancellationToken cancellationToken)
    {
        Allowed(key);
        JiraDialect dialect = await ReadyAsync(cancellationToken);
        // Also the transition pre-check: an issue moved out of the allowlist shows nothing and is never confirmed.
        key = await StillAllowedAsync(dialect, key, cancellationToken);
        return new TransitionList(key.Value, await TransitionsAsync(dialect, key, cancellationToken));
    }

    public async Task<IssueWritten> CreateIssueAsync(NewIssue issue, CancellationToken cancellationToken)
    {
        if (!options.Projects.Contains(issue.Project, StringComparer.Ordinal))
        {
            throw new ToolInputException($"`project` must be one of the allowed projects: {string.Join(", ", options.Projects)}.");
        }

        JiraDialect dialect = await ReadyAsync(cancellationToken);
        var fields = new JsonObject
        {
            ["project"] = new JsonObject { ["key"] = issue.Project },
            ["issuetype"] = new JsonObject { ["name"] = issue.Type },
            ["summary"] = issue.Summary,
        };
        if (issue.Description is { Length: > 0 } description)
        {
            fields["description"] = dialect.Body(description);
        }

        if (issue.Priority is { } priority)
        {
            fields["priority"] = new JsonObject { ["name"] = priority };
        }

        if (issue.Labels.Count > 0)
        {
            fields["labels"] = new JsonArray([.. issue.Labels.Select(l => (JsonNode)JsonValue.Create(l))]);
        }

        if (issue.Assignee is { } assignee)
        {
            fields["assignee"] = dialect.User(await UserIdAsync(dialect, assignee, cancellationToken));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, dialect.Api + "issue") { Content = Json(new JsonObject { ["fields"] = fields }) };
        JiraCreated created = await SendAsync(request, JiraJsonContext.Default.JiraCreated, $"Project {issue.Project}", cancellationToken);
        if (Trusted(created.Key) is not { } key || key.Project != issue.Project)
        {
            // Never echo (or link to) a key Jira should not have returned; the issue itself may exist, so say where to look.
            throw new BackendException(BackendErrorKind.Unavailable,
                $"Jira reported the issue as created but returned a key this server does not accept; look for it in project {issue.Project} before trying again.");
        }

        return Written(key);
    }

    public async Task<IssueWritten> AddCommentAsync(IssueKey key, string markdown, CancellationToken cancellationToken)
    {
        Allowed(key);
        JiraDialect dialect = await ReadyAsync(cancellationToken);
        key = await StillAllowedAsync(dialect, key, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, dialect.Api + "issue/" + key.Segment + "/comment")
        {
            Content = Json(new JsonObject { ["body"] = dialect.Body(markdown) }),
        };
        await SendAsync(request, NotFound(key), cancellationToken);
        return Written(key);
    }

    public async Task<(IssueWritten Issue, TransitionInfo Applied)> TransitionAsync(IssueKey key, string transition, string? comment, CancellationToken cancellationToken)
    {
        Allowed(key);
        JiraDialect dialect = await ReadyAsync(cancellationToken);
        key = await StillAllowedAsync(dialect, key, cancellationToken);
        IReadOnlyList<TransitionInfo> available = await TransitionsAsync(dialect, key, cancellationToken);
        TransitionInfo chosen = TransitionInfo.Choose(available, key, transition);

        var body = new JsonObject { ["transition"] = new JsonObject { ["id"] = chosen.Id } };
        if (comment is { Length: > 0 })
        {
            body["update"] = new JsonObject
            {
                ["comment"] = new JsonArray(new JsonObject { ["add"] = new JsonObject { ["body"] = dialect.Body(comment) } }),
            };
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, dialect.Api + "issue/" + key.Segment + "/transitions") { Content = Json(body) };
        await SendAsync(request, NotFound(key), cancellationToken);
        return (Written(key), chosen);
    }

    public async Task<(IssueWritten Issue, IReadOnlyList<string> Fields)> UpdateIssueAsync(IssueKey key, IssueChanges changes, CancellationToken cancellationToken)
    {
        Allowed(key);
        JiraDialect dialect = await ReadyAsync(cancellationToken);
        var fields = new JsonObject();
        if (changes.Summary is { } summary)
        {
            fields["summary"] = summary;
        }

        if (changes.Description is { } description)
        {
            fields["description"] = dialect.Body(description);
        }

        if (changes.Labels is { } labels)
        {
            fields["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)JsonValue.Create(l))]);
        }

        if (changes.Priority is { } priority)
        {
            fields["priority"] = new JsonObject { ["name"] = priority };
        }

        if (fields.Count == 0)
        {
            throw new ToolInputException("Give at least one of `summary`, `description`, `labels` or `priority` to change.");
        }

        key = await StillAllowedAsync(dialect, key, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Put, dialect.Api + "issue/" + key.Segment) { Content = Json(new JsonObject { ["fields"] = fields }) };
        await SendAsync(request, NotFound(key), cancellationToken);
        return (Written(key), [.. fields.Select(f => f.Key)]);
    }

    public async Task<IssueWritten> AssignAsync(IssueKey key, string? assignee, CancellationToken cancellationToken)
    {
        Allowed(key);
        JiraDialect dialect = await ReadyAsync(cancellationToken);
        key = await StillAllowedAsync(dialect, key, cancellationToken);
        string? id = assignee is null ? null : await UserIdAsync(dialect, assignee, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Put, dialect.Api + "issue/" + key.Segment + "/assignee") { Content = Json(dialect.User(id)) };
        await SendAsync(request, NotFound(key), cancellationToken);
        return Written(key);
    }

    public async Task<JiraCheck> CheckAsync(CancellationToken cancellationToken)
    {
        JiraServerInfo info = await GetJsonAsync("rest/api/2/serverInfo", JiraJsonContext.Default.JiraServerInfo, "Server information", cancellationToken);
        if (info.Version is null && info.DeploymentType is null && info.BaseUrl is null)
        {
            // Some JSON, but nothing a Jira server says about itself: the URL points at something else.
            throw new BackendException(BackendErrorKind.NotFound, "The address answered, but not as Jira does.");
        }

        JiraDialect dialect = await DialectAsync(cancellationToken);
        // An anonymous visitor has no /myself (Jira answers 401 to it).
        string account = options.Anonymous && options.OAuth is null ? "(anonymous)" : UserName(await MyselfAsync(dialect, cancellationToken)) ?? "(no display name)";
        return new JiraCheck(dialect.Name, Name(info.Version), account);
    }

    private async Task<IReadOnlyList<TransitionInfo>> TransitionsAsync(JiraDialect dialect, IssueKey key, CancellationToken cancellationToken)
    {
        JiraTransitions transitions = await GetJsonAsync(dialect.Api + "issue/" + key.Segment + "/transitions",
            JiraJsonContext.Default.JiraTransitions, NotFound(key), cancellationToken);
        // A transition id is sent back to Jira to apply it: only Jira's numeric ids are offered.
        return [.. (transitions.Transitions ?? [])
            .Where(t => t.Id is { Length: > 0 and <= 18 } id && id.All(char.IsAsciiDigit))
            .Take(MaxRelated)
            .Select(t => new TransitionInfo(t.Id!, Name(t.Name), Name(t.To?.Name)))];
    }

    private async Task<string> UserIdAsync(JiraDialect dialect, string assignee, CancellationToken cancellationToken) =>
        assignee == "me"
            ? dialect.UserId(await MyselfAsync(dialect, cancellationToken))
                ?? throw new ToolInputException("The configured Jira account has no user id; name the assignee explicitly.")
            : assignee;

    /// <summary>
    /// The dialect, and (once per process, with credentials) the account the server acts as, so that every audit
    /// event names the Jira user as well as the OS user (through <c>accountKnown</c>).
    /// </summary>
    private async Task<JiraDialect> ReadyAsync(CancellationToken cancellationToken)
    {
        JiraDialect dialect = await DialectAsync(cancellationToken);
        if (!options.Anonymous)
        {
            await MyselfAsync(dialect, cancellationToken);
        }

        return dialect;
    }

    private Task<JiraDialect> DialectAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_dialect is null || _dialect.IsFaulted || _dialect.IsCanceled)
            {
                _dialect = options.Flavor switch
                {
                    JiraFlavor.Cloud => Task.FromResult(JiraDialect.Cloud),
                    JiraFlavor.DataCenter => Task.FromResult(JiraDialect.DataCenter),
                    _ => DetectAsync(cancellationToken),
                };
            }

            return _dialect;
        }
    }

    /// <summary>
    /// <c>ex/jira/&lt;cloudId&gt;/</c> of the site in Jira:BaseUrl, from the sites the signed-in user's token may reach
    /// (asked once per process; a failure is asked again next time). The site is the user's choice, made once in JIRA_URL.
    /// </summary>
    private Task<string> CloudPrefixAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_cloudPrefix is null || _cloudPrefix.IsFaulted || _cloudPrefix.IsCanceled)
            {
                _cloudPrefix = DiscoverCloudIdAsync(cancellationToken);
            }

            return _cloudPrefix;
        }
    }

    private async Task<string> DiscoverCloudIdAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "oauth/token/accessible-resources");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.MarkIdempotent();
        using HttpResponseMessage response = await http.SendToBackendAsync(request, System,
            (r, ct) => JiraErrorAsync(request, r, "The list of Atlassian sites", ct), cancellationToken);
        List<AtlassianResource> sites = await response.ReadJsonAsync(JiraJsonContext.Default.ListAtlassianResource, System, cancellationToken);
        string wanted = options.BaseUrl.GetLeftPart(UriPartial.Authority);
        AtlassianResource? site = sites.FirstOrDefault(s => Uri.TryCreate(s.Url, UriKind.Absolute, out Uri? url)
            && string.Equals(url.GetLeftPart(UriPartial.Authority), wanted, StringComparison.OrdinalIgnoreCase));
        if (site?.Id is { } id && CloudIdPattern().IsMatch(id))
        {
            Log.CloudSite(logger, wanted, id);
            return "ex/jira/" + id + "/";
        }

        string reachable = string.Join(", ", sites.Take(10).Select(s => Line(s.Url, MaxNameChars)).Where(u => u.Length > 0));
        throw new BackendException(BackendErrorKind.NotFound, reachable.Length == 0
            ? $"The signed-in Atlassian account can reach no Jira site; sign in with an account that can (mcp-ticketing login), or ask an administrator for access to {wanted}."
            : $"The signed-in Atlassian account cannot reach {wanted}. Sites it can reach: {reachable}. Set JIRA_URL (Jira:BaseUrl) to one of them.");
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex CloudIdPattern();

    private async Task<JiraDialect> DetectAsync(CancellationToken cancellationToken)
    {
        JiraServerInfo info = await GetJsonAsync("rest/api/2/serverInfo", JiraJsonContext.Default.JiraServerInfo, "Server information", cancellationToken);
        JiraDialect dialect = info.DeploymentType is { } deployment
            ? string.Equals(deployment, "Cloud", StringComparison.OrdinalIgnoreCase) ? JiraDialect.Cloud : JiraDialect.DataCenter
            : await CloudWithoutDeploymentTypeAsync(cancellationToken) ? JiraDialect.Cloud : JiraDialect.DataCenter;
        Log.FlavorDetected(logger, dialect.Name);
        return dialect;
    }

    /// <summary>
    /// serverInfo's deploymentType is optional in Cloud's own schema (Atlassian's example response omits it), so
    /// its absence says nothing. Cloud sites live on atlassian.net (or behind api.atlassian.com with OAuth); any
    /// other host is asked for REST v3, which only Cloud has (Data Center answers 404).
    /// </summary>
    private async Task<bool> CloudWithoutDeploymentTypeAsync(CancellationToken cancellationToken)
    {
        string host = options.BaseUrl.Host;
        if (host.EndsWith(".atlassian.net", StringComparison.OrdinalIgnoreCase) || host.Equals("api.atlassian.com", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            await GetJsonAsync("rest/api/3/serverInfo", JiraJsonContext.Default.JiraServerInfo, "Server information (REST v3)", cancellationToken);
            return true;
        }
        catch (BackendException e) when (e.Kind == BackendErrorKind.NotFound)
        {
            return false;
        }
    }

    /// <summary>The account the current call acts as: the configured one, or (per-user sign-in) the caller's own.</summary>
    private Task<JiraUser> MyselfAsync(JiraDialect dialect, CancellationToken cancellationToken)
    {
        string caller = Caller.Current?.Subject ?? "";
        lock (_gate)
        {
            if (!_myself.TryGetValue(caller, out Task<JiraUser>? myself) || myself.IsFaulted || myself.IsCanceled)
            {
                if (_myself.Count >= 10_000)
                {
                    _myself.Clear();
                }

                _myself[caller] = myself = LoadMyselfAsync(dialect, cancellationToken);
            }

            return myself;
        }
    }

    private async Task<JiraUser> LoadMyselfAsync(JiraDialect dialect, CancellationToken cancellationToken)
    {
        JiraUser me = await GetJsonAsync(dialect.Api + "myself", JiraJsonContext.Default.JiraUser, "The configured account", cancellationToken);
        accountKnown(UserName(me), dialect.UserId(me));
        return me;
    }

    /// <summary>
    /// Where the issue lives now, checked before a write: the key the model gives only says where it was, and an
    /// issue moved out of the allowlist keeps answering to its old key (OPS-77 → HR-3). Returns the current key.
    /// </summary>
    private async Task<IssueKey> StillAllowedAsync(JiraDialect dialect, IssueKey key, CancellationToken cancellationToken)
    {
        JiraIssue issue = await GetJsonAsync(dialect.Api + "issue/" + key.Segment + "?fields=project",
            JiraJsonContext.Default.JiraIssue, NotFound(key), cancellationToken);
        if (Trusted(issue.Key) is not { } current || issue.Fields?.Project?.Key is not { } project || project != current.Project)
        {
            throw new BackendException(BackendErrorKind.NotFound, NotVisible(NotFound(key)));
        }

        return current;
    }

    private void Allowed(IssueKey key)
    {
        if (!options.Projects.Contains(key.Project, StringComparer.Ordinal))
        {
            throw new ToolInputException($"{key.Value} is in project {key.Project}, which this server may not use; allowed projects: {string.Join(", ", options.Projects)}.");
        }
    }

    private async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request, type, what, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendForResponseAsync(request, what, cancellationToken);
        return await response.ReadJsonAsync(type, System, cancellationToken);
    }

    /// <summary>Sends a request whose answer has no body the caller needs (writes).</summary>
    private async Task SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendForResponseAsync(request, what, cancellationToken);
    }

    /// <summary>
    /// The shared send path (no redirects, no cookies, the body capped in bytes and time) with <see cref="JiraErrorAsync"/>
    /// as its error hook.
    /// </summary>
    private async Task<HttpResponseMessage> SendForResponseAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        // The credentials are added by the client's credential handler (see JiraRegistration).
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (options.UsesCloudGateway && request.RequestUri is { IsAbsoluteUri: false } relative)
        {
            request.RequestUri = new Uri(await CloudPrefixAsync(cancellationToken) + relative.OriginalString, UriKind.Relative);
        }

        return await http.SendToBackendAsync(request, System, (response, ct) => JiraErrorAsync(request, response, what, ct), cancellationToken);
    }

    /// <summary>
    /// Jira's refusals in this server's words (<paramref name="what"/> names the thing not found). Jira's 400 body
    /// (<c>errorMessages</c>, and <c>errors</c> by field, e.g. "priority: Priority name 'Urgent' is not valid") says what
    /// the model should change, so it becomes an input error; it is read as data: cleaned, capped, at most a few
    /// messages, never the raw body. Anything else falls back to the shared mapping by status.
    /// </summary>
    private async Task<Exception?> JiraErrorAsync(HttpRequestMessage request, HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        Log.JiraError(logger, (int)response.StatusCode, request.Method.Method, request.RequestUri?.AbsolutePath ?? "");
        if (response.StatusCode == HttpStatusCode.Unauthorized && options.OAuth is not null)
        {
            // Refused even with a fresh access token (the credential handler retried once): access was removed.
            return new BackendException(BackendErrorKind.Unauthorized,
                "Jira did not accept the signed-in user's access; if this repeats, run `mcp-ticketing login` to sign in again.");
        }

        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new BackendException(BackendErrorKind.Unauthorized,
                $"Jira did not accept the configured credentials ({options.AuthDescription}); they may be wrong, expired or revoked. An administrator should check {options.CredentialSettings}."),
            HttpStatusCode.Forbidden => new BackendException(BackendErrorKind.Forbidden,
                "The configured Jira account does not have permission for this action."),
            HttpStatusCode.NotFound => new BackendException(BackendErrorKind.NotFound, NotVisible(what)),
            HttpStatusCode.BadRequest => new ToolInputException(
                Rejection(await response.TryReadErrorJsonAsync(JiraJsonContext.Default.JiraErrorBody, cancellationToken))),
            _ => null,
        };
    }

    private static string Rejection(JiraErrorBody? body)
    {
        string[] messages =
        [
            .. (body?.ErrorMessages ?? []).Select(m => TextHygiene.CleanAndTruncate(m, 200)),
            .. (body?.Errors ?? new Dictionary<string, string>()).Select(e =>
                TextHygiene.CleanAndTruncate(e.Key, 60) + ": " + TextHygiene.CleanAndTruncate(e.Value, 200)),
        ];
        return messages.Length == 0
            ? "Jira rejected the request as invalid; check the arguments."
            : "Jira rejected the request: " + string.Join("; ", messages.Take(MaxErrorMessages).Select(m => m.ReplaceLineEndings(" "))) + ".";
    }

    private static StringContent Json<T>(T value, JsonTypeInfo<T> type) =>
        new(JsonSerializer.Serialize(value, type), Encoding.UTF8, "application/json");

    private static StringContent Json(JsonNode node) => Json(node, JiraJsonContext.Default.JsonNode);

    /// <summary>A rich-text body as cleaned, capped Markdown; a body of a shape the converter cannot read is left out.</summary>
    private string Text(JiraDialect dialect, JsonElement? body)
    {
        if (body is not { } b)
        {
            return "";
        }

        try
        {
            return TextHygiene.CleanAndTruncate(dialect.ToMarkdown(b), options.MaxTextChars);
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }

    private CommentInfo Comment(JiraDialect dialect, JiraComment comment) =>
        new(UserName(comment.Author), Optional(comment.Created), Text(dialect, comment.Body));

    /// <summary>An issue key from Jira, if it is one and its project is allowed; everything else is untrusted.</summary>
    private IssueKey? Trusted(string? raw) =>
        IssueKey.TryParse(raw, out IssueKey? key) && options.Projects.Contains(key.Project, StringComparer.Ordinal) ? key : null;

    private IssueSummary? Summary(JiraIssue issue)
    {
        JiraFields? f = issue.Fields;
        if (Trusted(issue.Key) is not { } key || (f?.Project?.Key is { } project && project != key.Project))
        {
            return null;
        }

        return new IssueSummary(key.Value, Line(f?.Summary, MaxSummaryChars), Name(f?.Status?.Name), Name(f?.Status?.StatusCategory?.Name),
            Name(f?.IssueType?.Name), Name(f?.Priority?.Name), UserName(f?.Assignee), Optional(f?.Updated), Browse(key));
    }

    /// <summary>
    /// A related issue (parent, subtask, link): its key when it has the key format; its summary and status only
    /// when it is in an allowed project, so that get_issue never shows content of projects the server may not use.
    /// </summary>
    private IssueRef? Ref(JiraIssueRef issue)
    {
        if (!IssueKey.TryParse(issue.Key, out IssueKey? key))
        {
            return null;
        }

        return options.Projects.Contains(key.Project, StringComparer.Ordinal)
            ? new IssueRef(key.Value, Line(issue.Fields?.Summary, MaxSummaryChars), Name(issue.Fields?.Status?.Name))
            : new IssueRef(key.Value, null, null);
    }

    private IssueLinkInfo? Link(JiraIssueLink link) => (link.OutwardIssue, link.InwardIssue) switch
    {
        ({ } outward, _) => Ref(outward) is { } r ? new IssueLinkInfo(Name(link.Type?.Outward ?? link.Type?.Name), r.Key, r.Summary, r.Status) : null,
        (_, { } inward) => Ref(inward) is { } r ? new IssueLinkInfo(Name(link.Type?.Inward ?? link.Type?.Name), r.Key, r.Summary, r.Status) : null,
        _ => null,
    };

    private static string? UserName(JiraUser? user) => user?.DisplayName is { } name ? Name(name) : null;

    private static string Clean(string? text) => TextHygiene.Clean(text);

    /// <summary>A short single-line value from Jira (a name, a status, a date): cleaned, one line, capped.</summary>
    private static string Name(string? text) => Line(text, MaxNameChars);

    private static string? Optional(string? text) => text is null ? null : Name(text);

    private static string Line(string? text, int maxChars) => TextHygiene.CleanAndTruncate(text, maxChars).ReplaceLineEndings(" ");

    private static string NotFound(IssueKey key) => $"Issue {key.Value}";

    private static string NotVisible(string what) => $"{what} was not found or is not visible to you.";

    private IssueWritten Written(IssueKey key) => new(key.Value, Browse(key));

    private string Browse(IssueKey key) => new Uri(options.SiteUrl ?? options.BaseUrl, "browse/" + key.Segment).ToString();
}

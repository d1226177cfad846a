using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Shared.Pipeline;
using McpServers.Testing.Hosting;
using McpServers.Ticketing.Tests.Fake;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>The tools through a real MCP client and the shared pipeline, against the fake Jira in both flavours.</summary>
public sealed class TicketingToolTests
{
    public const string Token = "CANARY-api-token-8f2b";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static Dictionary<string, object?> Args(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    public static Dictionary<string, string?> SettingsFor(FakeJira jira) => new()
    {
        ["Jira:BaseUrl"] = jira.BaseAddress.ToString(),
        ["Jira:Flavor"] = "Auto",
        ["Jira:Projects"] = "OPS,WEB",
        ["Jira:Email"] = "jane@example.com",
        [jira.Cloud ? "Jira:ApiToken" : "Jira:PersonalAccessToken"] = Token,
        ["Jira:DefaultMaxResults"] = "3",
        ["Policy:ReadOnly"] = "false",
    };

    private static async Task<(FakeJira Jira, InMemoryMcpServer Host, McpClient Client)> StartAsync(bool cloud,
        Dictionary<string, string?>? extra = null)
    {
        FakeJira jira = await FakeJira.StartAsync(cloud, Ct);
        Dictionary<string, string?> settings = SettingsFor(jira);
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        var host = new InMemoryMcpServer((s, c) => s.AddTicketingServer(c), settings);
        return (jira, host, await host.ConnectAsync(cancellationToken: Ct));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Search_FollowingNextCursor_ReturnsEveryIssueOnceWithTheAllowlistInEveryQuery(bool cloud)
    {
        var (jira, host, client) = await StartAsync(cloud);
        await using var _ = jira;
        await using var __ = host;
        var keys = new List<string>();
        string? cursor = null;
        int pages = 0;
        do
        {
            string cursorArg = cursor is null ? "" : $",\"cursor\":\"{cursor}\"";
            CallToolResult page = await client.CallToolAsync("jira_search_issues", Args($$"""{"statuses":["In Progress"]{{cursorArg}}}"""), cancellationToken: Ct);
            Assert.NotEqual(true, page.IsError);
            JsonElement s = page.StructuredContent!.Value;
            keys.AddRange(s.GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("key").GetString()!));
            cursor = s.GetProperty("next_cursor").GetString();
            Assert.Equal(cursor is not null, s.GetProperty("truncated").GetBoolean());
        }
        while (cursor is not null && ++pages < 10);

        Assert.Equal(Enumerable.Range(1, FakeJira.IssueCount).Select(n => $"OPS-{n}"), keys);
        Assert.Equal(3, jira.Jqls.Count);
        Assert.All(jira.Jqls, q => Assert.StartsWith("project in (\"OPS\", \"WEB\") AND (status in (\"In Progress\"))", q, StringComparison.Ordinal));
        string path = cloud ? "/rest/api/3/search/jql" : "/rest/api/2/search";
        Assert.All(jira.Requests.Where(r => r.Path.Contains("search", StringComparison.Ordinal)), r => Assert.Equal(path, r.Path));
        string auth = jira.Requests[^1].Header("Authorization")!;
        Assert.StartsWith(cloud ? "Basic " : "Bearer ", auth, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, host.DiagnosticLog, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, AuditFiles.RawText(host.AuditDirectory), StringComparison.Ordinal);
        JsonElement audit = host.AuditEvents()[^1];
        Assert.Equal(cloud ? "Jane Doe (acc-me)" : "Jane Doe (jdoe)", audit.GetProperty("principal").GetProperty("backend").GetString());
        Assert.Equal("127.0.0.1", audit.GetProperty("downstream").GetString());
        Assert.Single(jira.Requests, r => r.Path.EndsWith("/myself", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_InjectionAttempt_StaysInsideAQuotedLiteral()
    {
        var (jira, host, client) = await StartAsync(cloud: true);
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_search_issues", Args("""{"labels":["x\") OR project = HR OR labels in (\"y"]}"""), cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("project in (\"OPS\", \"WEB\") AND (labels in (\"x\\\") OR project = HR OR labels in (\\\"y\")) ORDER BY updated DESC", Assert.Single(jira.Jqls));
    }

    [Fact]
    public async Task Search_CursorFromOtherFilters_IsRefused()
    {
        var (jira, host, client) = await StartAsync(cloud: true);
        await using var _ = jira;
        await using var __ = host;
        CallToolResult first = await client.CallToolAsync("jira_search_issues", Args("{}"), cancellationToken: Ct);
        string cursor = first.StructuredContent!.Value.GetProperty("next_cursor").GetString()!;

        CallToolResult other = await client.CallToolAsync("jira_search_issues", Args($$"""{"labels":["a"],"cursor":"{{cursor}}"}"""), cancellationToken: Ct);

        Assert.True(other.IsError);
        Assert.Contains("not a cursor this server issued", Text(other), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GetIssue_RendersDescriptionCommentsLinksAsCleanMarkdown(bool cloud)
    {
        var (jira, host, client) = await StartAsync(cloud);
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_get_issue", Args("""{"issue_key":"OPS-1"}"""), cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        JsonElement s = result.StructuredContent!.Value;
        string description = s.GetProperty("description").GetString()!;
        Assert.Contains("## Steps", description, StringComparison.Ordinal);
        Assert.Contains("- open **cart**\n- pay with `card`", description, StringComparison.Ordinal);
        Assert.Contains("See [runbook](https://wiki.example/run)", description, StringComparison.Ordinal);
        Assert.Equal("Jane Doe", s.GetProperty("assignee").GetString());
        Assert.Equal("is blocked by", s.GetProperty("links")[0].GetProperty("relation").GetString());
        Assert.Equal("WEB-9", s.GetProperty("links")[0].GetProperty("key").GetString());
        Assert.Equal("OPS-2", s.GetProperty("subtasks")[0].GetProperty("key").GetString());
        Assert.Equal(3, s.GetProperty("comments_total").GetInt32());
        Assert.Contains("again", s.GetProperty("comments")[0].GetProperty("body").GetString()!, StringComparison.Ordinal);
        Assert.Contains("is blocked by WEB-9", Text(result), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ListComments_FollowingNextCursor_ReadsTheWholeThreadOldestFirst(bool cloud)
    {
        var (jira, host, client) = await StartAsync(cloud);
        await using var _ = jira;
        await using var __ = host;

        CallToolResult first = await client.CallToolAsync("jira_list_comments", Args("""{"issue_key":"OPS-1","max_results":2}"""), cancellationToken: Ct);
        Assert.NotEqual(true, first.IsError);
        JsonElement s1 = first.StructuredContent!.Value;
        string cursor = s1.GetProperty("next_cursor").GetString()!;
        CallToolResult second = await client.CallToolAsync("jira_list_comments", Args($$"""{"issue_key":"OPS-1","max_results":2,"cursor":"{{cursor}}"}"""), cancellationToken: Ct);
        Assert.NotEqual(true, second.IsError);
        JsonElement s2 = second.StructuredContent!.Value;

        Assert.Equal(["Alice", "Carol"], s1.GetProperty("comments").EnumerateArray().Select(c => c.GetProperty("author").GetString()));
        Assert.True(s1.GetProperty("truncated").GetBoolean());
        Assert.Equal(3, s1.GetProperty("total").GetInt64());
        Assert.Contains("Call again with the same arguments and `cursor`", Text(first), StringComparison.Ordinal);
        Assert.Equal("Bob", Assert.Single(s2.GetProperty("comments").EnumerateArray()).GetProperty("author").GetString());
        Assert.Equal(cloud ? "Seen again on prod" : "Seen **again** on `prod`", s2.GetProperty("comments")[0].GetProperty("body").GetString());
        Assert.False(s2.GetProperty("truncated").GetBoolean());
        Assert.Equal(JsonValueKind.Null, s2.GetProperty("next_cursor").ValueKind);
        Assert.Contains("1 comment on OPS-1, oldest first:\n--- Bob, 2026-01-02", Text(second), StringComparison.Ordinal);
        Assert.Equal(["?orderBy=created&startAt=0&maxResults=2", "?orderBy=created&startAt=2&maxResults=2"],
            jira.Requests.Where(r => r.Path.EndsWith("/issue/OPS-1/comment", StringComparison.Ordinal)).Select(r => r.RawQuery));
    }

    [Fact]
    public async Task ListComments_NewestFirst_ByDefaultCappedByMaxComments()
    {
        var (jira, host, client) = await StartAsync(cloud: true, new() { ["Jira:MaxComments"] = "2" });
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_list_comments", Args("""{"issue_key":"WEB-3","newest_first":true,"max_results":50}"""), cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal(["Bob", "Carol"], result.StructuredContent!.Value.GetProperty("comments").EnumerateArray().Select(c => c.GetProperty("author").GetString()));
        Assert.Equal("?orderBy=-created&startAt=0&maxResults=2", jira.Requests.Single(r => r.Path.EndsWith("/comment", StringComparison.Ordinal)).RawQuery);
    }

    [Theory]
    [InlineData("OPS-77", "Issue OPS-77 was not found or is not visible to you.")]
    [InlineData("HR-1", "HR-1 is in project HR, which this server may not use; allowed projects: OPS, WEB.")]
    public async Task ListComments_OfAnIssueOutsideTheAllowlistOrMovedOutOfIt_ShowsNothing(string key, string message)
    {
        var (jira, host, client) = await StartAsync(cloud: true);
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_list_comments", Args($$"""{"issue_key":"{{key}}"}"""), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains(message, Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(jira.Requests, r => r.Path.EndsWith("/comment", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListComments_WhenTheAdministratorTurnedCommentsOff_ShowsNoneAndAsksJiraNothing()
    {
        var (jira, host, client) = await StartAsync(cloud: true, new() { ["Jira:MaxComments"] = "0" });
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_list_comments", Args("""{"issue_key":"OPS-1"}"""), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Equal("Comments are not shown by this server (Jira:MaxComments is 0).", Text(result));
        Assert.DoesNotContain(jira.Requests, r => r.Path.EndsWith("/comment", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListComments_CursorOfAnotherIssueOrOrder_IsRefused()
    {
        var (jira, host, client) = await StartAsync(cloud: true);
        await using var _ = jira;
        await using var __ = host;
        CallToolResult first = await client.CallToolAsync("jira_list_comments", Args("""{"issue_key":"OPS-1","max_results":1}"""), cancellationToken: Ct);
        string cursor = first.StructuredContent!.Value.GetProperty("next_cursor").GetString()!;

        CallToolResult otherIssue = await client.CallToolAsync("jira_list_comments", Args($$"""{"issue_key":"OPS-2","cursor":"{{cursor}}"}"""), cancellationToken: Ct);
        CallToolResult otherOrder = await client.CallToolAsync("jira_list_comments", Args($$"""{"issue_key":"OPS-1","newest_first":true,"cursor":"{{cursor}}"}"""), cancellationToken: Ct);

        Assert.True(otherIssue.IsError);
        Assert.True(otherOrder.IsError);
        Assert.Contains("not a cursor this server issued", Text(otherIssue), StringComparison.Ordinal);
        Assert.Contains("not a cursor this server issued", Text(otherOrder), StringComparison.Ordinal);
        Assert.Single(jira.Requests, r => r.Path.EndsWith("/comment", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("OPS-404", "Issue OPS-404 was not found or is not visible to you.")]
    [InlineData("OPS-77", "Issue OPS-77 was not found or is not visible to you.")]
    [InlineData("HR-1", "HR-1 is in project HR, which this server may not use; allowed projects: OPS, WEB.")]
    public async Task GetIssue_MissingMovedOrOutsideTheAllowlist_SaysSo(string key, string message)
    {
        var (jira, host, client) = await StartAsync(cloud: true);
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_get_issue", Args($$"""{"issue_key":"{{key}}"}"""), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains(message, Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain("Issue does not exist", Text(result), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jira_add_comment", """{"issue_key":"OPS-77","body":"hello"}""")]
    [InlineData("jira_update_issue", """{"issue_key":"OPS-77","summary":"new"}""")]
    [InlineData("jira_assign_issue", """{"issue_key":"OPS-77","assignee":"me"}""")]
    [InlineData("jira_transition_issue", """{"issue_key":"OPS-77","transition":"Done"}""")]
    [InlineData("jira_list_transitions", """{"issue_key":"OPS-77"}""")]
    public async Task Write_ToAnIssueMovedOutOfTheAllowlist_IsRefusedAndNothingIsSent(string tool, string arguments)
    {
        // OPS-77 was moved to HR: its old key still answers, so the key alone does not say where a write would land.
        var (jira, host, client) = await StartAsync(cloud: true, new Dictionary<string, string?>
        {
            ["Confirmation:Disable"] = "jira_create_issue,jira_transition_issue,jira_add_comment,jira_update_issue,jira_assign_issue",
        });
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync(tool, Args(arguments), cancellationToken: Ct);

        Assert.True(result.IsError, Text(result));
        Assert.Contains("OPS-77 was not found or is not visible to you", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(jira.Requests, r => r.Method is "POST" or "PUT");
    }

    [Fact]
    public async Task ExpiredCredentials_NameTheSettingToFixWithoutTheSecret()
    {
        var (jira, host, client) = await StartAsync(cloud: true);
        await using var _ = jira;
        await using var __ = host;
        jira.RejectCredentials = true;

        CallToolResult result = await client.CallToolAsync("jira_list_projects", Args("{}"), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("JIRA_API_TOKEN", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimited_RetriesAfterRetryAfter_ThenSucceeds()
    {
        var (jira, host, client) = await StartAsync(cloud: false);
        await using var _ = jira;
        await using var __ = host;
        await client.CallToolAsync("jira_list_projects", Args("{}"), cancellationToken: Ct);
        jira.RateLimitSearches(1, retryAfterSeconds: 1);

        CallToolResult result = await client.CallToolAsync("jira_search_issues", Args("{}"), cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        var searches = jira.Requests.Where(r => r.Path.EndsWith("/search", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, searches.Count);
        Assert.True(searches[1].ReceivedAt - searches[0].ReceivedAt >= TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task RateLimited_LongerThanWeWait_SaysWhenToTryAgain()
    {
        var (jira, host, client) = await StartAsync(cloud: true);
        await using var _ = jira;
        await using var __ = host;
        jira.RateLimitSearches(10, retryAfterSeconds: 120);

        CallToolResult result = await client.CallToolAsync("jira_search_issues", Args("{}"), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("Jira is rate-limiting requests; try again in 120 s", Text(result), StringComparison.Ordinal);
        Assert.Single(jira.Requests, r => r.Path.EndsWith("/search/jql", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CreateIssue_NeedsConfirmationBoundToTheArguments_ThenSendsMarkdownInTheFlavoursFormat(bool cloud)
    {
        var (jira, host, client) = await StartAsync(cloud);
        await using var _ = jira;
        await using var __ = host;
        Dictionary<string, object?> args = Args("""{"project":"OPS","issue_type":"Bug","summary":"Checkout fails","description":"Steps:\n\n- open **cart**","labels":["checkout"],"assignee":"me"}""");

        CallToolResult preview = await client.CallToolAsync("jira_create_issue", args, cancellationToken: Ct);
        Assert.DoesNotContain(jira.Requests, r => r.Method == "POST" && r.Path.EndsWith("/issue", StringComparison.Ordinal));
        string token = TokenFrom(preview);

        Dictionary<string, object?> changed = new(args) { ["summary"] = JsonSerializer.SerializeToElement("Something else"), ["confirmation_token"] = JsonSerializer.SerializeToElement(token) };
        CallToolResult refused = await client.CallToolAsync("jira_create_issue", changed, cancellationToken: Ct);
        Assert.True(refused.IsError);

        preview = await client.CallToolAsync("jira_create_issue", args, cancellationToken: Ct);
        CallToolResult created = await client.CallToolAsync("jira_create_issue",
            new Dictionary<string, object?>(args) { ["confirmation_token"] = JsonSerializer.SerializeToElement(TokenFrom(preview)) }, cancellationToken: Ct);

        Assert.NotEqual(true, created.IsError);
        Assert.Equal("OPS-42", created.StructuredContent!.Value.GetProperty("issue_key").GetString());
        JsonNode fields = JsonNode.Parse(Assert.Single(jira.Requests, r => r.Method == "POST" && r.Path.EndsWith("/issue", StringComparison.Ordinal)).Body)!["fields"]!;
        if (cloud)
        {
            Assert.Equal("doc", fields["description"]!["type"]!.GetValue<string>());
            Assert.Equal("acc-me", fields["assignee"]!["accountId"]!.GetValue<string>());
        }
        else
        {
            Assert.Equal("Steps:\n\n* open *cart*", fields["description"]!.GetValue<string>());
            Assert.Equal("jdoe", fields["assignee"]!["name"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task CreateIssue_RejectedByJira_ShowsTheFieldErrors()
    {
        var (jira, host, client) = await StartAsync(cloud: true, new() { ["Confirmation:Disable"] = "jira_create_issue" });
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_create_issue", Args("""{"project":"OPS","issue_type":"Bug","summary":"reject me","priority":"Urgent"}"""), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("Jira rejected the request: priority: Priority name 'Urgent' is not valid.", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transition_WithAWrongName_ListsTheValidTransitions()
    {
        var (jira, host, client) = await StartAsync(cloud: true, new() { ["Confirmation:Disable"] = "jira_transition_issue" });
        await using var _ = jira;
        await using var __ = host;

        CallToolResult wrong = await client.CallToolAsync("jira_transition_issue", Args("""{"issue_key":"OPS-1","transition":"Close"}"""), cancellationToken: Ct);
        CallToolResult right = await client.CallToolAsync("jira_transition_issue", Args("""{"issue_key":"OPS-1","transition":"in progress","comment":"Picked up"}"""), cancellationToken: Ct);

        Assert.True(wrong.IsError);
        Assert.Contains("Valid transitions: Start Progress (id 11) → In Progress; Done (id 31) → Done.", Text(wrong), StringComparison.Ordinal);
        Assert.NotEqual(true, right.IsError);
        JsonNode body = JsonNode.Parse(Assert.Single(jira.Requests, r => r.Method == "POST" && r.Path.EndsWith("/transitions", StringComparison.Ordinal)).Body)!;
        Assert.Equal("11", body["transition"]!["id"]!.GetValue<string>());
        Assert.Equal("doc", body["update"]!["comment"]![0]!["add"]!["body"]!["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UpdateCommentAndAssign_SendOnlyAllowedFields(bool cloud)
    {
        var (jira, host, client) = await StartAsync(cloud);
        await using var _ = jira;
        await using var __ = host;

        CallToolResult update = await client.CallToolAsync("jira_update_issue", Args("""{"issue_key":"OPS-1","summary":"New title","labels":["a","b"]}"""), cancellationToken: Ct);
        CallToolResult nothing = await client.CallToolAsync("jira_update_issue", Args("""{"issue_key":"OPS-1"}"""), cancellationToken: Ct);
        CallToolResult comment = await client.CallToolAsync("jira_add_comment", Args("""{"issue_key":"WEB-3","body":"Fixed in **1.2**"}"""), cancellationToken: Ct);
        CallToolResult unassign = await client.CallToolAsync("jira_assign_issue", Args("""{"issue_key":"OPS-1","assignee":"unassigned"}"""), cancellationToken: Ct);
        CallToolResult outside = await client.CallToolAsync("jira_add_comment", Args("""{"issue_key":"HR-1","body":"x"}"""), cancellationToken: Ct);

        Assert.NotEqual(true, update.IsError);
        Assert.True(nothing.IsError);
        Assert.NotEqual(true, comment.IsError);
        Assert.NotEqual(true, unassign.IsError);
        Assert.True(outside.IsError);
        JsonNode fields = JsonNode.Parse(jira.Requests.Single(r => r.Method == "PUT" && r.Path.EndsWith("/issue/OPS-1", StringComparison.Ordinal)).Body)!["fields"]!;
        Assert.Equal(["summary", "labels"], fields.AsObject().Select(p => p.Key));
        JsonNode assignee = JsonNode.Parse(jira.Requests.Single(r => r.Path.EndsWith("/assignee", StringComparison.Ordinal)).Body)!;
        Assert.Equal(cloud ? "accountId" : "name", Assert.Single(assignee.AsObject()).Key);
        Assert.Null(assignee[cloud ? "accountId" : "name"]);
        Assert.DoesNotContain(jira.Requests, r => r.Path.Contains("HR-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriteTools_AreRateLimitedInWriteMode()
    {
        var (jira, host, client) = await StartAsync(cloud: true, new() { ["RateLimits:WritePerMinute"] = "2" });
        await using var _ = jira;
        await using var __ = host;

        var results = new List<CallToolResult>();
        for (int i = 0; i < 3; i++)
        {
            results.Add(await client.CallToolAsync("jira_add_comment", Args("""{"issue_key":"OPS-1","body":"ping"}"""), cancellationToken: Ct));
        }

        Assert.Equal([false, false, true], results.Select(r => r.IsError == true));
        Assert.Equal(AuditOutcome.RateLimited, host.AuditEvents()[^1].GetProperty("outcome").GetString());
        Assert.Equal(2, jira.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/comment", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RawJql_OnlyWhenEnabled_ValidatedByJiraFirstAndAlwaysInsideTheAllowlist()
    {
        var (jira, host, client) = await StartAsync(cloud: true, new() { ["Jira:AllowRawJql"] = "true" });
        await using var _ = jira;
        await using var __ = host;

        CallToolResult ok = await client.CallToolAsync("jira_search_jql", Args("""{"jql":"fixVersion = \"1.2\""}"""), cancellationToken: Ct);
        CallToolResult unknown = await client.CallToolAsync("jira_search_jql", Args("""{"jql":"nosuchfield = 1"}"""), cancellationToken: Ct);
        CallToolResult escape = await client.CallToolAsync("jira_search_jql", Args("""{"jql":"x = 1) OR (project = HR"}"""), cancellationToken: Ct);

        Assert.NotEqual(true, ok.IsError);
        Assert.Contains("Jira could not parse `jql`: Field 'nosuchfield' does not exist", Text(unknown), StringComparison.Ordinal);
        Assert.Contains("closes a parenthesis it did not open", Text(escape), StringComparison.Ordinal);
        Assert.Equal(["project in (\"OPS\", \"WEB\") AND (fixVersion = \"1.2\") ORDER BY updated DESC"], jira.Jqls);
        Assert.Equal(2, jira.Requests.Count(r => r.Path == "/rest/api/3/jql/parse"));

        await using var disabled = new InMemoryMcpServer((s, c) => s.AddTicketingServer(c), SettingsFor(jira));
        McpClient plain = await disabled.ConnectAsync(cancellationToken: Ct);
        Assert.DoesNotContain(await plain.ListToolsAsync(cancellationToken: Ct), t => t.Name == "jira_search_jql");
    }

    /// <summary>The confirmation token a preview offers.</summary>
    internal static string TokenFrom(CallToolResult preview)
    {
        string text = Text(preview);
        const string marker = "\"confirmation_token\": \"";
        int start = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, text);
        start += marker.Length;
        return text[start..text.IndexOf('"', start)];
    }
}

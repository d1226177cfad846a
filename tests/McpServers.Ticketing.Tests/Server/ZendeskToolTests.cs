using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;
using McpServers.Testing.Http;
using McpServers.Ticketing.Tests.Fake;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>The zendesk_* tools through a real MCP client and the shared pipeline, against the fake Zendesk.</summary>
public sealed class ZendeskToolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Dictionary<string, string?> SettingsFor(FakeZendesk zendesk) => new()
    {
        ["Ticketing:Provider"] = "Zendesk",
        ["Zendesk:BaseUrl"] = zendesk.BaseAddress.ToString(),
        ["Zendesk:Email"] = "jane@example.com",
        ["Zendesk:ApiToken"] = TicketingToolTests.Token,
        ["Zendesk:DefaultMaxResults"] = "3",
        ["Policy:ReadOnly"] = "false",
    };

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static Dictionary<string, object?> Args(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    private sealed class Setup(FakeZendesk zendesk, InMemoryMcpServer host, McpClient client) : IAsyncDisposable
    {
        public FakeZendesk Zendesk => zendesk;

        public InMemoryMcpServer Host => host;

        public McpClient Client => client;

        public Task<CallToolResult> CallAsync(string tool, string arguments) => client.CallToolAsync(tool, Args(arguments), cancellationToken: Ct).AsTask();

        public async ValueTask DisposeAsync()
        {
            await host.DisposeAsync();
            await zendesk.DisposeAsync();
        }
    }

    private static async Task<Setup> StartAsync(Dictionary<string, string?>? extra = null, McpClientOptions? clientOptions = null,
        Action<FakeZendesk>? arrange = null)
    {
        FakeZendesk zendesk = await FakeZendesk.StartAsync(Ct);
        arrange?.Invoke(zendesk);
        Dictionary<string, string?> settings = SettingsFor(zendesk);
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        var host = new InMemoryMcpServer((s, c) => s.AddTicketingServer(c), settings);
        return new Setup(zendesk, host, await host.ConnectAsync(clientOptions, Ct));
    }

    [Fact]
    public async Task ToolList_HasOnlyTheZendeskTools()
    {
        await using Setup z = await StartAsync();

        IList<McpClientTool> tools = await z.Client.ListToolsAsync(cancellationToken: Ct);

        Assert.Equal(["zendesk_add_comment", "zendesk_create_ticket", "zendesk_get_ticket", "zendesk_search_tickets", "zendesk_update_ticket"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Search_FollowingNextCursor_ReturnsEveryTicketOnce_WithTheBuiltQueryAndTokenAuth()
    {
        await using Setup z = await StartAsync();
        var ids = new List<int>();
        string? cursor = null;
        int pages = 0;
        do
        {
            string cursorArg = cursor is null ? "" : $",\"cursor\":\"{cursor}\"";
            CallToolResult page = await z.CallAsync("zendesk_search_tickets", $$"""{"statuses":["open","pending"],"tags":["vip"]{{cursorArg}}}""");
            Assert.NotEqual(true, page.IsError);
            JsonElement s = page.StructuredContent!.Value;
            ids.AddRange(s.GetProperty("tickets").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()));
            cursor = s.GetProperty("next_cursor").GetString();
            Assert.Equal(cursor is not null, s.GetProperty("truncated").GetBoolean());
        }
        while (cursor is not null && ++pages < 10);

        Assert.Equal(Enumerable.Range(1, 7), ids);
        Assert.Equal(3, z.Zendesk.Queries.Count);
        Assert.All(z.Zendesk.Queries, q => Assert.Equal("type:ticket status:\"open\" status:\"pending\" tags:\"vip\"", q));
        RecordedSearch(z.Zendesk, "sort_by", "updated_at");
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("jane@example.com/token:" + TicketingToolTests.Token)),
            z.Zendesk.Requests[^1].Header("Authorization"));
        Assert.DoesNotContain(TicketingToolTests.Token, z.Host.DiagnosticLog, StringComparison.Ordinal);
        Assert.DoesNotContain(TicketingToolTests.Token, AuditFiles.RawText(z.Host.AuditDirectory), StringComparison.Ordinal);
        JsonElement audit = z.Host.AuditEvents()[^1];
        Assert.Equal("Jane Agent (10)", audit.GetProperty("principal").GetProperty("backend").GetString());
        Assert.Single(z.Zendesk.Requests, r => r.Path == "/api/v2/users/me.json");
    }

    [Fact]
    public async Task Search_ResolvesAssigneeNamesOnly()
    {
        await using Setup z = await StartAsync();

        CallToolResult result = await z.CallAsync("zendesk_search_tickets", """{"text":"checkout"}""");

        JsonElement first = result.StructuredContent!.Value.GetProperty("tickets")[0];
        Assert.Equal("Jane Agent", first.GetProperty("assignee").GetString());
        Assert.EndsWith("/agent/tickets/1", first.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("@example.com", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_AtTheSearchApisLimit_SaysSo_AndAllResultsPagesOnWithTheExportEndpoint()
    {
        await using Setup z = await StartAsync(new() { ["Zendesk:DefaultMaxResults"] = "100" }, arrange: f => f.TicketCount = 1500);
        string? cursor = null;
        JsonElement last = default;
        for (int page = 0; page < 10; page++)
        {
            string cursorArg = cursor is null ? "{}" : $$"""{"cursor":"{{cursor}}"}""";
            CallToolResult result = await z.CallAsync("zendesk_search_tickets", cursorArg);
            Assert.NotEqual(true, result.IsError);
            last = result.StructuredContent!.Value;
            cursor = last.GetProperty("next_cursor").GetString();
        }

        Assert.Null(cursor);
        Assert.True(last.GetProperty("result_limit_reached").GetBoolean());
        Assert.True(last.GetProperty("truncated").GetBoolean());
        Assert.Equal(1500, last.GetProperty("total").GetInt64());
        Assert.Contains("stops at 1,000 results", last.GetProperty("notice").GetString(), StringComparison.Ordinal);
        Assert.Contains("all_results=true", last.GetProperty("notice").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(z.Zendesk.Requests, r => r.Path == "/api/v2/search.json" && FakeZendesk.QueryValue(r, "page") == "11");

        CallToolResult export = await z.CallAsync("zendesk_search_tickets", """{"all_results":true}""");
        string next = export.StructuredContent!.Value.GetProperty("next_cursor").GetString()!;
        CallToolResult second = await z.CallAsync("zendesk_search_tickets", $$"""{"all_results":true,"cursor":"{{next}}"}""");

        Assert.Equal(101, second.StructuredContent!.Value.GetProperty("tickets")[0].GetProperty("id").GetInt32());
        RecordedRequest[] exports = [.. z.Zendesk.Requests.Where(r => r.Path == "/api/v2/search/export.json")];
        Assert.Equal(2, exports.Length);
        Assert.All(exports, r => Assert.Equal("ticket", FakeZendesk.QueryValue(r, "filter[type]")));
        Assert.All(exports, r => Assert.Equal("100", FakeZendesk.QueryValue(r, "page[size]")));
        Assert.Equal("c100", FakeZendesk.QueryValue(exports[1], "page[after]"));
        // An export cursor does not page an ordinary search.
        CallToolResult mixed = await z.CallAsync("zendesk_search_tickets", $$"""{"cursor":"{{next}}"}""");
        Assert.True(mixed.IsError);
    }

    [Fact]
    public async Task Search_RateLimitedLongerThanWeWait_SaysWhenToTryAgain()
    {
        await using Setup z = await StartAsync(arrange: f => f.RateLimitSearches(10, retryAfterSeconds: 120));

        CallToolResult result = await z.CallAsync("zendesk_search_tickets", "{}");

        Assert.True(result.IsError);
        Assert.Contains("Zendesk is rate-limiting requests; try again in 120 s", Text(result), StringComparison.Ordinal);
        Assert.Single(z.Zendesk.Requests, r => r.Path == "/api/v2/search.json");
    }

    [Fact]
    public async Task Search_RateLimitedBriefly_IsRetriedAfterRetryAfter()
    {
        await using Setup z = await StartAsync(arrange: f => f.RateLimitSearches(1, retryAfterSeconds: 1));

        CallToolResult result = await z.CallAsync("zendesk_search_tickets", "{}");

        Assert.NotEqual(true, result.IsError);
        RecordedRequest[] searches = [.. z.Zendesk.Requests.Where(r => r.Path == "/api/v2/search.json")];
        Assert.Equal(2, searches.Length);
        Assert.True(searches[1].ReceivedAt - searches[0].ReceivedAt >= TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task AnyTool_CredentialsRefused_NamesTheSettingsAndNeverTheToken()
    {
        await using Setup z = await StartAsync(arrange: f => f.RejectCredentials = true);

        CallToolResult result = await z.CallAsync("zendesk_get_ticket", """{"ticket_id":1}""");

        Assert.True(result.IsError);
        Assert.Contains("ZENDESK_EMAIL / ZENDESK_API_TOKEN", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(TicketingToolTests.Token, Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTicket_RendersCommentsNewestFirst_MarkingPublicAndInternal_WithAuthorNames()
    {
        await using Setup z = await StartAsync();

        CallToolResult result = await z.CallAsync("zendesk_get_ticket", """{"ticket_id":1,"comments":3}""");

        Assert.NotEqual(true, result.IsError);
        string text = Text(result);
        Assert.StartsWith("#1: Checkout fails\nstatus: open | priority: high | type: incident\nrequester: Ann Customer | assignee: Jane Agent", text, StringComparison.Ordinal);
        Assert.Contains("comments (newest 3 of 3, newest first):\n--- [public reply] Bob Agent, 2026-01-02T08:00:00Z\nWe are looking into it.", text, StringComparison.Ordinal);
        Assert.Contains("--- [internal note] Jane Agent, 2026-01-01T10:00:00Z", text, StringComparison.Ordinal);
        Assert.Contains("--- [public reply] Ann Customer, 2026-01-01T09:00:00Z", text, StringComparison.Ordinal);
        JsonElement s = result.StructuredContent!.Value;
        Assert.False(s.GetProperty("comments")[1].GetProperty("public").GetBoolean());
        Assert.Equal(["billing", "vip"], s.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        RecordedRequest comments = Assert.Single(z.Zendesk.Requests, r => r.Path == "/api/v2/tickets/1/comments.json");
        Assert.Equal("desc", FakeZendesk.QueryValue(comments, "sort_order"));
        RecordedRequest users = Assert.Single(z.Zendesk.Requests, r => r.Path == "/api/v2/users/show_many.json");
        Assert.Equal(["10", "20", "30"], FakeZendesk.QueryValue(users, "ids")!.Split(',').Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetTicket_CommentsCappedByMaxComments()
    {
        await using Setup z = await StartAsync(new() { ["Zendesk:MaxComments"] = "1" });

        CallToolResult result = await z.CallAsync("zendesk_get_ticket", """{"ticket_id":1,"comments":50}""");

        JsonElement s = result.StructuredContent!.Value;
        Assert.Single(s.GetProperty("comments").EnumerateArray());
        Assert.Equal(3, s.GetProperty("comments_total").GetInt64());
        Assert.Equal("1", FakeZendesk.QueryValue(Assert.Single(z.Zendesk.Requests, r => r.Path.EndsWith("/comments.json", StringComparison.Ordinal)), "per_page"));
    }

    [Fact]
    public async Task GetTicket_Missing_IsNotFoundOrNotVisible()
    {
        await using Setup z = await StartAsync();

        CallToolResult result = await z.CallAsync("zendesk_get_ticket", """{"ticket_id":404}""");

        Assert.True(result.IsError);
        Assert.Contains("Ticket #404 was not found or is not visible to you.", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTicket_NeedsConfirmationBoundToTheArguments_ThenCreatesOnce()
    {
        await using Setup z = await StartAsync();
        Dictionary<string, object?> args = Args("""{"subject":"Refund request","description":"Customer wants a refund.","priority":"high","type":"question","tags":["refund"],"assignee":"me"}""");

        CallToolResult preview = await z.Client.CallToolAsync("zendesk_create_ticket", args, cancellationToken: Ct);
        Assert.True(preview.IsError);
        Assert.Contains("Create a new Zendesk ticket", Text(preview), StringComparison.Ordinal);
        Assert.Contains("- subject: Refund request", Text(preview), StringComparison.Ordinal);
        Assert.DoesNotContain(z.Zendesk.Requests, r => r.Method == "POST");
        CallToolResult created = await z.Client.CallToolAsync("zendesk_create_ticket",
            new Dictionary<string, object?>(args) { ["confirmation_token"] = JsonSerializer.SerializeToElement(TicketingToolTests.TokenFrom(preview)) }, cancellationToken: Ct);

        Assert.NotEqual(true, created.IsError);
        Assert.Equal(42, created.StructuredContent!.Value.GetProperty("ticket_id").GetInt32());
        JsonNode ticket = JsonNode.Parse(Assert.Single(z.Zendesk.Requests, r => r.Method == "POST" && r.Path == "/api/v2/tickets.json").Body)!["ticket"]!;
        Assert.Equal("Refund request", ticket["subject"]!.GetValue<string>());
        Assert.Equal("Customer wants a refund.", ticket["comment"]!["body"]!.GetValue<string>());
        Assert.Equal(FakeZendesk.Me, ticket["assignee_id"]!.GetValue<long>());
        Assert.Equal("refund", ticket["tags"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateTicket_RecordInvalid_ShowsZendesksFieldMessagesCleaned()
    {
        await using Setup z = await StartAsync(new() { ["Confirmation:Disable"] = "zendesk_create_ticket" });

        CallToolResult result = await z.CallAsync("zendesk_create_ticket", """{"subject":"reject me","description":"x"}""");

        Assert.True(result.IsError);
        Assert.Contains("Zendesk rejected the request: Record validation errors; priority: Priority: is not valid.", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddComment_PublicReply_AsksTheUserSayingTheCustomerIsEmailed_ThenSendsIt()
    {
        var asked = new List<string>();
        await using Setup z = await StartAsync(clientOptions: Eliciting(asked));

        CallToolResult result = await z.CallAsync("zendesk_add_comment", """{"ticket_id":1,"body":"We refunded you.","visibility":"public"}""");

        Assert.NotEqual(true, result.IsError);
        string question = Assert.Single(asked);
        Assert.Contains("PUBLIC REPLY on Zendesk ticket #1", question, StringComparison.Ordinal);
        Assert.Contains("e-mails it to the ticket's requester (the customer)", question, StringComparison.Ordinal);
        JsonNode comment = JsonNode.Parse(Assert.Single(z.Zendesk.Requests, r => r.Method == "PUT").Body)!["ticket"]!["comment"]!;
        Assert.True(comment["public"]!.GetValue<bool>());
        Assert.Equal("We refunded you.", comment["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task AddComment_PublicReply_WithoutAClientThatCanAsk_IsRefusedAndNothingIsSent()
    {
        await using Setup z = await StartAsync();

        CallToolResult result = await z.CallAsync("zendesk_add_comment", """{"ticket_id":1,"body":"We refunded you.","visibility":"public"}""");

        Assert.True(result.IsError);
        Assert.DoesNotContain("confirmation_token\":", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(z.Zendesk.Requests, r => r.Method == "PUT");
    }

    [Fact]
    public async Task AddComment_InternalNote_NeedsNoConfirmation()
    {
        await using Setup z = await StartAsync();

        CallToolResult result = await z.CallAsync("zendesk_add_comment", """{"ticket_id":1,"body":"Refund approved.","visibility":"internal"}""");

        Assert.NotEqual(true, result.IsError);
        JsonNode comment = JsonNode.Parse(Assert.Single(z.Zendesk.Requests, r => r.Method == "PUT").Body)!["ticket"]!["comment"]!;
        Assert.False(comment["public"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AddComment_ZendeskUnavailable_IsNeverSentTwice()
    {
        await using Setup z = await StartAsync(arrange: f => f.UpdatesUnavailable = true);

        CallToolResult result = await z.CallAsync("zendesk_add_comment", """{"ticket_id":1,"body":"Refund approved.","visibility":"internal"}""");

        Assert.True(result.IsError);
        Assert.Single(z.Zendesk.Requests, r => r.Method == "PUT");
    }

    [Fact]
    public async Task AddComment_MissingTicket_IsRefusedBeforeAnyoneIsAsked()
    {
        var asked = new List<string>();
        await using Setup z = await StartAsync(clientOptions: Eliciting(asked));

        CallToolResult result = await z.CallAsync("zendesk_add_comment", """{"ticket_id":404,"body":"Hello","visibility":"public"}""");

        Assert.True(result.IsError);
        Assert.Contains("Ticket #404 was not found or is not visible to you.", Text(result), StringComparison.Ordinal);
        Assert.Empty(asked);
    }

    [Fact]
    public async Task UpdateTicket_PreviewShowsBeforeAndAfter_ThenSendsOnlyTheGivenFields()
    {
        await using Setup z = await StartAsync();
        Dictionary<string, object?> args = Args("""{"ticket_id":1,"status":"solved","assignee":"none","tags":["refund"]}""");

        CallToolResult preview = await z.Client.CallToolAsync("zendesk_update_ticket", args, cancellationToken: Ct);
        string text = Text(preview);
        Assert.Contains("- status: open → solved", text, StringComparison.Ordinal);
        Assert.Contains("- assignee: Jane Agent → unassigned", text, StringComparison.Ordinal);
        Assert.Contains("- tags: billing, vip → refund", text, StringComparison.Ordinal);
        Assert.DoesNotContain(z.Zendesk.Requests, r => r.Method == "PUT");
        CallToolResult updated = await z.Client.CallToolAsync("zendesk_update_ticket",
            new Dictionary<string, object?>(args) { ["confirmation_token"] = JsonSerializer.SerializeToElement(TicketingToolTests.TokenFrom(preview)) }, cancellationToken: Ct);

        Assert.NotEqual(true, updated.IsError);
        JsonObject ticket = JsonNode.Parse(Assert.Single(z.Zendesk.Requests, r => r.Method == "PUT").Body)!["ticket"]!.AsObject();
        Assert.Equal(["assignee_id", "status", "tags"], ticket.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Null(ticket["assignee_id"]);
    }

    [Fact]
    public async Task UpdateTicket_WithNothingToChange_IsAnInputError()
    {
        await using Setup z = await StartAsync();

        CallToolResult result = await z.CallAsync("zendesk_update_ticket", """{"ticket_id":1}""");

        Assert.True(result.IsError);
        Assert.Contains("Give at least one of", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteTools_AreHiddenWithoutAllowWrites()
    {
        await using Setup z = await StartAsync(new() { ["Policy:ReadOnly"] = "true" });

        IList<McpClientTool> tools = await z.Client.ListToolsAsync(cancellationToken: Ct);

        Assert.Equal(["zendesk_get_ticket", "zendesk_search_tickets"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    private static void RecordedSearch(FakeZendesk zendesk, string parameter, string expected) =>
        Assert.All(zendesk.Requests.Where(r => r.Path == "/api/v2/search.json"), r => Assert.Equal(expected, FakeZendesk.QueryValue(r, parameter)));

    private static McpClientOptions Eliciting(List<string> asked) => new()
    {
        ProtocolVersion = "2025-11-25",
        Handlers = new McpClientHandlers
        {
            ElicitationHandler = (request, _) =>
            {
                lock (asked)
                {
                    asked.Add(request?.Message ?? "");
                }

                return ValueTask.FromResult(new ElicitResult
                {
                    Action = "accept",
                    Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) },
                });
            },
        },
    };
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Ticketing.Tests.Fake;

/// <summary>
/// A loopback Jira following Atlassian's documented shapes: Cloud (REST v3, ADF, /search/jql with nextPageToken) or
/// Data Center (REST v2, wiki markup, /search with startAt/total). Projects OPS and WEB hold issues; HR exists too.
/// OPS-404 does not exist; OPS-77 was moved to HR (its key now answers with an HR issue).
/// </summary>
public sealed class FakeJira : IAsyncDisposable
{
    public const int IssueCount = 7;

    /// <summary>The site Atlassian's accessible-resources lists first; the fake also answers as its API gateway (ex/jira/&lt;id&gt;/…).</summary>
    public const string CloudSite = "https://acme.atlassian.net";

    public const string CloudId = "4e1a3b2c-0d5f-4a6b-9c7d-8e9f0a1b2c3d";

    private readonly LoopbackHttpServer _server = new();
    private int _rateLimited;

    private FakeJira(bool cloud)
    {
        Cloud = cloud;
        string v = cloud ? "3" : "2";
        var routes = _server.Routes;
        // Atlassian's API gateway: ex/jira/<cloudId>/rest/… is the site's REST API; the recorded path keeps the prefix.
        _server.App.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/ex/jira/" + CloudId, out PathString rest))
            {
                context.Request.Path = rest;
            }

            return next(context);
        });
        _server.App.UseRouting();
        routes.MapGet("/oauth/token/accessible-resources", () => Json(new JsonArray(
            new JsonObject { ["id"] = CloudId, ["url"] = CloudSite, ["name"] = "acme", ["scopes"] = new JsonArray("read:jira-work", "write:jira-work") },
            new JsonObject { ["id"] = "0b9e8d7c-6a5f-4e3d-2c1b-0a9f8e7d6c5b", ["url"] = "https://other.atlassian.net", ["name"] = "other", ["scopes"] = new JsonArray("read:jira-work") })));
        // Cloud answers serverInfo on v2 and v3; Data Center has no REST v3 (404). deploymentType is optional in
        // Cloud's schema and missing from Atlassian's example response (OmitDeploymentType).
        routes.MapGet("/rest/api/2/serverInfo", () => ServerInfoOverride?.Invoke() ?? Json(ServerInfo()));
        if (cloud)
        {
            routes.MapGet("/rest/api/3/serverInfo", () => Json(ServerInfo()));
        }

        routes.MapGet($"/rest/api/{v}/myself", (HttpRequest request) => AccountPerToken
            ? Json(Account(request.Headers.Authorization.ToString()))
            : Json(new JsonObject { ["accountId"] = "acc-me", ["name"] = "jdoe", ["displayName"] = "Jane Doe" }));
        if (cloud)
        {
            // "Get projects paginated": keys=A&keys=B filter, startAt/maxResults paging, isLast. The un-paginated
            // GET /rest/api/3/project is deprecated on Cloud and deliberately not served here.
            routes.MapGet("/rest/api/3/project/search", (HttpRequest request) =>
            {
                string[] keys = [.. request.Query["keys"].Select(k => k!)];
                int start = int.Parse(request.Query["startAt"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture);
                int max = Math.Min(ProjectPageSize, int.Parse(request.Query["maxResults"].FirstOrDefault() ?? "50", CultureInfo.InvariantCulture));
                JsonObject[] all = [.. AllProjects().Where(p => keys.Length == 0 || keys.Contains(p["key"]!.GetValue<string>()))];
                JsonObject[] page = [.. all.Skip(start).Take(max)];
                return Json(new JsonObject
                {
                    ["self"] = "x",
                    ["maxResults"] = max,
                    ["startAt"] = start,
                    ["total"] = all.Length,
                    ["isLast"] = start + page.Length >= all.Length,
                    ["values"] = new JsonArray([.. page]),
                });
            });
        }
        else
        {
            routes.MapGet("/rest/api/2/project", () => Json(new JsonArray([.. AllProjects()])));
        }

        routes.MapPost(cloud ? "/rest/api/3/search/jql" : "/rest/api/2/search", SearchAsync);
        // Cloud "Parse JQL query": one result per query, with errors for a field Jira does not know.
        routes.MapPost("/rest/api/3/jql/parse", async (HttpRequest request) =>
        {
            string query = (await JsonNode.ParseAsync(request.Body))!["queries"]![0]!.GetValue<string>();
            var errors = new JsonArray();
            if (query.Contains("nosuchfield", StringComparison.Ordinal))
            {
                errors.Add("Field 'nosuchfield' does not exist or you do not have permission to view it.");
            }

            return Json(new JsonObject { ["queries"] = new JsonArray(new JsonObject { ["query"] = query, ["errors"] = errors }) });
        });
        routes.MapGet($"/rest/api/{v}/issue/{{key}}", (string key) => IssueOverrides.TryGetValue(key, out string? raw) ? Results.Content(raw, "application/json") : key switch
        {
            "OPS-404" => Error(404, "Issue does not exist or you do not have permission to see it."),
            "OPS-77" => Json(Issue("HR-3", "Salary review", detailed: true)),
            _ => Json(Issue(key, "Checkout fails", detailed: true)),
        });
        // Three comments, oldest first; startAt, maxResults and orderBy (created or -created) as Jira reads them.
        routes.MapGet($"/rest/api/{v}/issue/{{key}}/comment", (string key, int? startAt, int? maxResults, string? orderBy) =>
        {
            JsonObject[] all =
            [
                Comment("98", "Alice", "2026-01-01T09:00:00.000+0000", Body("First *report*", "First report")),
                Comment("99", "Carol", "2026-01-01T12:00:00.000+0000", Body("Cannot reproduce", "Cannot reproduce")),
                Comment("100", "Bob", "2026-01-02T10:00:00.000+0000", Body("Seen *again* on {{prod}}", "Seen again on prod")),
            ];
            IEnumerable<JsonObject> ordered = orderBy == "-created" ? Enumerable.Reverse(all) : all;
            int start = startAt ?? 0;
            return Json(new JsonObject
            {
                ["startAt"] = start,
                ["maxResults"] = maxResults ?? 5000,
                ["total"] = all.Length,
                ["comments"] = new JsonArray([.. ordered.Skip(start).Take(maxResults ?? 5000)]),
            });
        });
        routes.MapGet($"/rest/api/{v}/issue/{{key}}/transitions", () => TransitionsOverride is { } raw ? Results.Content(raw, "application/json") : Json(new JsonObject
        {
            ["transitions"] = new JsonArray(Transition("11", "Start Progress", "In Progress"), Transition("31", "Done", "Done")),
        }));
        routes.MapPost($"/rest/api/{v}/issue/{{key}}/transitions", () => Results.NoContent());
        routes.MapPost($"/rest/api/{v}/issue/{{key}}/comment", () => Results.Json(new { id = "101" }, statusCode: 201));
        routes.MapPut($"/rest/api/{v}/issue/{{key}}", () => Results.NoContent());
        routes.MapPut($"/rest/api/{v}/issue/{{key}}/assignee", () => Results.NoContent());
        routes.MapPost($"/rest/api/{v}/issue", async (HttpRequest request) =>
        {
            JsonNode body = (await JsonNode.ParseAsync(request.Body))!;
            return body["fields"]?["summary"]?.GetValue<string>() == "reject me"
                ? Results.Content("""{"errorMessages":[],"errors":{"priority":"Priority name 'Urgent' is not valid."}}""", "application/json", statusCode: 400)
                : Results.Json(new { id = "10042", key = CreatedKey, self = "x" }, statusCode: 201);
        });
    }

    public bool Cloud { get; }

    /// <summary>Projects per page of the Cloud project search (Jira's default is 50).</summary>
    public int ProjectPageSize { get; set; } = 50;

    /// <summary>Leave deploymentType out of serverInfo, as Atlassian's Cloud example response does.</summary>
    public bool OmitDeploymentType { get; set; }

    /// <summary>Answers serverInfo instead (a non-Jira page, a server error).</summary>
    public Func<IResult>? ServerInfoOverride { get; set; }

    /// <summary>Raw JSON answered for an issue key (hostile or odd responses).</summary>
    public Dictionary<string, string> IssueOverrides { get; } = new(StringComparer.Ordinal);

    /// <summary>Raw JSON answered to every search instead of the generated page.</summary>
    public string? SearchOverride { get; set; }

    /// <summary>Raw JSON answered for every issue's transitions.</summary>
    public string? TransitionsOverride { get; set; }

    /// <summary>The key the create endpoint answers with.</summary>
    public string CreatedKey { get; set; } = "OPS-42";

    public Uri BaseAddress => _server.BaseAddress;

    public IReadOnlyList<Testing.Http.RecordedRequest> Requests => _server.Requests;

    /// <summary>The next <paramref name="count"/> searches answer 429 with this Retry-After (seconds).</summary>
    public void RateLimitSearches(int count, int retryAfterSeconds)
    {
        RetryAfterSeconds = retryAfterSeconds;
        Interlocked.Exchange(ref _rateLimited, count);
    }

    public int RetryAfterSeconds { get; private set; }

    /// <summary>/myself answers with a different account for each bearer token (a Jira that several users sign in to).</summary>
    public bool AccountPerToken { get; set; }

    /// <summary>The account /myself names for <paramref name="authorization"/> when <see cref="AccountPerToken"/> is set.</summary>
    public static JsonObject Account(string authorization)
    {
        string id = "acc-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(authorization)))[..8];
        return new JsonObject { ["accountId"] = id, ["name"] = id, ["displayName"] = "User " + id };
    }

    /// <summary>Every request answers 401 (expired or revoked credentials).</summary>
    public bool RejectCredentials { get; set; }

    /// <summary>Searches answer 400 quoting the Authorization header they got (a careless Jira plugin), to prove redaction.</summary>
    public bool EchoAuthorization { get; set; }

    public static async Task<FakeJira> StartAsync(bool cloud, CancellationToken cancellationToken)
    {
        var fake = new FakeJira(cloud);
        fake._server.App.Use(async (context, next) =>
        {
            if (fake.RejectCredentials)
            {
                await Error(401, "Client must be authenticated to access this resource.").ExecuteAsync(context);
                return;
            }

            if (fake.EchoAuthorization && context.Request.Path.Value!.Contains("/search", StringComparison.Ordinal))
            {
                await Error(400, "Token not valid for this search: " + context.Request.Headers.Authorization).ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        await fake._server.StartAsync(cancellationToken);
        return fake;
    }

    /// <summary>The JQL of every search received, in order.</summary>
    public IReadOnlyList<string> Jqls => [.. Requests.Where(r => r.Path.Contains("/search", StringComparison.Ordinal))
        .Select(r => JsonNode.Parse(r.Body)!["jql"]!.GetValue<string>())];

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<IResult> SearchAsync(HttpRequest request)
    {
        if (Interlocked.Decrement(ref _rateLimited) >= 0)
        {
            return Results.Text("""{"errorMessages":["Rate limit exceeded."]}""", "application/json", statusCode: 429) is var r
                ? new WithHeader(r, "Retry-After", RetryAfterSeconds.ToString(CultureInfo.InvariantCulture))
                : r;
        }

        if (SearchOverride is { } raw)
        {
            return Results.Content(raw, "application/json");
        }

        JsonNode body = (await JsonNode.ParseAsync(request.Body))!;
        int max = body["maxResults"]!.GetValue<int>();
        int start = Cloud
            ? (body["nextPageToken"]?.GetValue<string>() is { } token ? int.Parse(token[4..], CultureInfo.InvariantCulture) : 0)
            : body["startAt"]?.GetValue<int>() ?? 0;
        var issues = new JsonArray([.. Enumerable.Range(start + 1, Math.Max(0, Math.Min(max, IssueCount - start)))
            .Select(n => (JsonNode)Issue($"OPS-{n}", $"Issue {n}", detailed: false))]);
        int next = start + issues.Count;
        var page = new JsonObject { ["issues"] = issues };
        if (Cloud)
        {
            page["isLast"] = next >= IssueCount;
            if (next < IssueCount)
            {
                page["nextPageToken"] = "tok-" + next.ToString(CultureInfo.InvariantCulture);
            }
        }
        else
        {
            page["startAt"] = start;
            page["maxResults"] = max;
            page["total"] = IssueCount;
        }

        return Json(page);
    }

    private JsonObject Issue(string key, string summary, bool detailed)
    {
        var fields = new JsonObject
        {
            ["summary"] = summary,
            ["status"] = new JsonObject { ["name"] = "In Progress", ["statusCategory"] = new JsonObject { ["key"] = "indeterminate", ["name"] = "In Progress" } },
            ["issuetype"] = new JsonObject { ["name"] = "Bug" },
            ["priority"] = new JsonObject { ["name"] = "High" },
            ["assignee"] = new JsonObject { ["displayName"] = "Jane\u202E Doe", ["accountId"] = "acc-me" },
            ["updated"] = "2026-01-03T09:00:00.000+0000",
            ["project"] = new JsonObject { ["key"] = key[..key.IndexOf('-', StringComparison.Ordinal)] },
        };
        if (detailed)
        {
            fields["description"] = Body("h2. Steps\n* open *cart*\n* pay with {{card}}\nSee [runbook|https://wiki.example/run]",
                "description");
            fields["labels"] = new JsonArray("checkout", "prod");
            fields["reporter"] = new JsonObject { ["displayName"] = "Bob" };
            fields["created"] = "2026-01-01T09:00:00.000+0000";
            fields["subtasks"] = new JsonArray(new JsonObject { ["key"] = "OPS-2", ["fields"] = new JsonObject { ["summary"] = "Add retry" } });
            fields["issuelinks"] = new JsonArray(new JsonObject
            {
                ["type"] = new JsonObject { ["name"] = "Blocks", ["inward"] = "is blocked by", ["outward"] = "blocks" },
                ["inwardIssue"] = new JsonObject { ["key"] = "WEB-9", ["fields"] = new JsonObject { ["summary"] = "Payment API down" } },
            });
        }

        return new JsonObject { ["id"] = "1", ["key"] = key, ["fields"] = fields };
    }

    /// <summary>A rich-text body: wiki markup on DC; on Cloud the same as ADF (<paramref name="adfText"/> "description" is the rich one).</summary>
    private JsonNode Body(string wiki, string adfText)
    {
        if (!Cloud)
        {
            return JsonValue.Create(wiki);
        }

        if (adfText != "description")
        {
            return JsonNode.Parse($$"""{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"{{adfText}}"}]}]}""")!;
        }

        return JsonNode.Parse("""
            {"type":"doc","version":1,"content":[
              {"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Steps"}]},
              {"type":"bulletList","content":[
                {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"open "},{"type":"text","text":"cart","marks":[{"type":"strong"}]}]}]},
                {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"pay with "},{"type":"text","text":"card","marks":[{"type":"code"}]}]}]}]},
              {"type":"paragraph","content":[{"type":"text","text":"See "},{"type":"text","text":"runbook","marks":[{"type":"link","attrs":{"href":"https://wiki.example/run"}}]}]}]}
            """)!;
    }

    private JsonObject ServerInfo()
    {
        var info = new JsonObject
        {
            ["baseUrl"] = BaseAddress.ToString().TrimEnd('/'),
            ["version"] = Cloud ? "1001.0.0" : "9.12.0",
            ["versionNumbers"] = Cloud ? new JsonArray(1001, 0, 0) : new JsonArray(9, 12, 0),
            ["buildNumber"] = 100000,
            ["serverTitle"] = "Jira",
        };
        if (!OmitDeploymentType)
        {
            info["deploymentType"] = Cloud ? "Cloud" : "Server";
        }

        return info;
    }

    private static IEnumerable<JsonObject> AllProjects() => [Project("OPS", "Operations"), Project("WEB", "Website"), Project("HR", "People")];

    private static JsonObject Project(string key, string name) => new() { ["id"] = "1", ["key"] = key, ["name"] = name, ["projectTypeKey"] = "software" };

    private static JsonObject Transition(string id, string name, string to) =>
        new() { ["id"] = id, ["name"] = name, ["to"] = new JsonObject { ["name"] = to } };

    private static JsonObject Comment(string id, string author, string created, JsonNode body) => new()
    {
        ["id"] = id,
        ["author"] = new JsonObject { ["displayName"] = author },
        ["created"] = created,
        ["body"] = body,
    };

    private static IResult Json(JsonNode node) => Results.Content(node.ToJsonString(), "application/json");

    private static IResult Error(int status, string message) =>
        Results.Content(new JsonObject { ["errorMessages"] = new JsonArray(message), ["errors"] = new JsonObject() }.ToJsonString(), "application/json", statusCode: status);

    private sealed class WithHeader(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}

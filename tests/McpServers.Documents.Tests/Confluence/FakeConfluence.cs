using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpServers.Documents.Backend.Confluence;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Documents.Tests.Confluence;

/// <summary>
/// A loopback Confluence following Atlassian's documented shapes, in either flavour, recording every request.
/// Cloud: REST v2 (developer.atlassian.com/cloud/confluence/rest/v2: GET /pages/{id}?body-format=&amp;version=,
/// /pages/{id}/versions, /pages/{id}/children, /spaces?keys=, /spaces/{id}/pages, POST/PUT /pages, POST /footer-comments;
/// cursor paging in _links.next; errors {errors:[{status, code, title, detail}]}) and REST v1 search
/// (GET /wiki/rest/api/search?cql=: results[].content, excerpt with @@@hl@@@ markers, lastModified, _links.next with cursor).
/// Data Center: REST v1 (docs.atlassian.com/ConfluenceServer/rest: /rest/api/content/{id}?expand=&amp;status=historical&amp;version=,
/// /content/search, /space?spaceKey=, /space/{key}/content/page, /content/{id}/child/page, POST/PUT /content; start/limit
/// paging; errors {statusCode, message, data}); versions from /rest/experimental/content/{id}/version as Atlassian's KB
/// "How to retrieve all previous versions of content using the REST API" names it (its response shape, results[] of
/// {by, when, message, number}, is taken from the Cloud v1 "Get content versions" page: not verified for Data Center).
/// The 409 body of a stale update is not documented in detail; the fake answers the v1/v2 error shape with status 409.
/// CQL: only the shape <see cref="Cql.Build"/> emits is understood (anything else: 400); it is answered from the seed.
/// Seed: spaces ENG and HR (allowed) and SECRET (exists, not allowed). Pages: 100 "Travel policy" (ENG, 3 versions),
/// 101 "Security standard" (ENG, rich storage), 102 "Onboarding" (HR) with child 103 "Benefits", 104 "Live doc" (ENG,
/// ADF only on Cloud), 200 "Launch codes" (SECRET).
/// </summary>
public sealed partial class FakeConfluence : IAsyncDisposable
{
    public const string Email = "bot@example.com";
    public const string ApiToken = "cloud-api-token-123";
    public const string PersonalAccessToken = "dc-personal-access-token-456";

    private readonly LoopbackHttpServer _server = new();
    private readonly Lock _gate = new();
    private readonly List<FakeSpace> _spaces =
    [
        new("1001", "ENG", "Engineering"),
        new("1002", "HR", "Human Resources"),
        new("1003", "SECRET", "Secret"),
    ];

    private readonly Dictionary<string, FakePage> _pages = new(StringComparer.Ordinal);
    private int _nextId = 500;

    private FakeConfluence(bool cloud)
    {
        Cloud = cloud;
        Seed();
        _server.App.Use(async (context, next) =>
        {
            if (NextFailure is { } failure)
            {
                NextFailure = null;
                await failure.ExecuteAsync(context);
                return;
            }

            if (!Authorized(context.Request.Headers.Authorization.ToString()))
            {
                await Error(401, "Unauthorized", "Current user not permitted to use Confluence").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        if (cloud)
        {
            MapCloud(_server.Routes);
        }
        else
        {
            MapDataCenter(_server.Routes);
        }
    }

    public bool Cloud { get; }

    public Uri BaseUrl => _server.BaseAddress;

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    /// <summary>Answered to the next request instead of the route (then cleared): 401, 429 with Retry-After, 500…</summary>
    public IResult? NextFailure { get; set; }

    /// <summary>Bearer tokens Confluence accepts too (those a sign-in server issued: OAuth 2.0 sign-in as the user).</summary>
    public Func<string, bool>? AcceptToken { get; set; }

    /// <summary>A hit in the SECRET space added to every search answer (a backend that ignores the CQL allowlist).</summary>
    public bool LeakSecretHit { get; set; }

    /// <summary>Someone else saves this storage body just before the next update arrives (then cleared): the 409 race.</summary>
    public string? SomeoneSavesBeforeNextUpdate { get; set; }

    /// <summary>Search hits per backend page (Confluence's own limit), to exercise paging.</summary>
    public int SearchPageSize { get; set; } = 25;

    public static async Task<FakeConfluence> StartAsync(ConfluenceFlavor flavor)
    {
        var fake = new FakeConfluence(flavor == ConfluenceFlavor.Cloud);
        await fake._server.StartAsync();
        return fake;
    }

    /// <summary>The settings a server needs to use this fake (ENG and HR readable, ENG writable).</summary>
    public Dictionary<string, string?> Configuration() => new()
    {
        ["Confluence:BaseUrl"] = BaseUrl.ToString(),
        ["Confluence:Flavor"] = Cloud ? "Cloud" : "DataCenter",
        ["Confluence:Spaces"] = "ENG,HR",
        ["Confluence:WritableSpaces"] = "ENG",
        ["Confluence:Email"] = Cloud ? Email : null,
        ["Confluence:ApiToken"] = Cloud ? ApiToken : null,
        ["Confluence:PersonalAccessToken"] = Cloud ? null : PersonalAccessToken,
        ["Confluence:Http:MaxRetries"] = "1",
    };

    /// <summary>Adds a version to a page as if someone else saved it.</summary>
    public void EditBySomeoneElse(string id, string storage)
    {
        lock (_gate)
        {
            FakePage page = _pages[id];
            page.Versions.Add(new FakeVersion(page.Versions.Count + 1, "2026-05-01T10:00:00.000Z", "Someone Else", "edited elsewhere", storage, null));
        }
    }

    public FakePage Page(string id)
    {
        lock (_gate)
        {
            return _pages[id];
        }
    }

    /// <summary>Pages whose title is <paramref name="title"/> (created ones included).</summary>
    public IReadOnlyList<FakePage> PagesTitled(string title)
    {
        lock (_gate)
        {
            return [.. _pages.Values.Where(p => p.Title == title)];
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private void Seed()
    {
        Add("100", "Travel policy", "ENG", null,
            new FakeVersion(1, "2026-01-10T09:00:00.000Z", "Alice Admin", "first draft", "<p>Per-diem is 40 EUR.</p>", null),
            new FakeVersion(2, "2026-02-10T09:00:00.000Z", "Bob Builder", "raised per-diem", "<p>Per-diem is 50 EUR.</p>", null),
            new FakeVersion(3, "2026-03-15T09:00:00.000Z", "Carol Chief", "March update", "<h1>Travel</h1><p>Per-diem is <strong>60 EUR</strong>.</p>", null));
        Add("101", "Security standard", "ENG", null, new FakeVersion(1, "2026-03-01T09:00:00.000Z", "Alice Admin", null, SecurityStandard, null));
        Add("102", "Onboarding", "HR", null, new FakeVersion(1, "2026-01-05T09:00:00.000Z", "Dana HR", null, "<p>Welcome aboard. Per-diem questions go to HR.</p>", null));
        Add("103", "Benefits", "HR", "102", new FakeVersion(1, "2026-01-06T09:00:00.000Z", "Dana HR", null, "<p>Benefits overview.</p>", null));
        Add("104", "Live doc", "ENG", null, new FakeVersion(1, "2026-04-01T09:00:00.000Z", "Alice Admin", null, "",
            """{"type":"doc","version":1,"content":[{"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Live"}]},{"type":"paragraph","content":[{"type":"text","text":"Written in ADF","marks":[{"type":"strong"}]}]}]}"""));
        Add("200", "Launch codes", "SECRET", null, new FakeVersion(1, "2026-01-01T09:00:00.000Z", "Mallory", null, "<p>Per-diem secret launch codes.</p>", null));
    }

    public const string SecurityStandard =
        "<h2>Passwords</h2><p>Use a <a href=\"https://example.com/vault\">vault</a>&nbsp;always.</p>" +
        "<table><tbody><tr><th>Level</th><th>Rule</th></tr><tr><td>High</td><td>MFA</td></tr></tbody></table>" +
        "<ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"language\">bash</ac:parameter><ac:plain-text-body><![CDATA[echo <secret>]]></ac:plain-text-body></ac:structured-macro>" +
        "<ac:structured-macro ac:name=\"info\"><ac:rich-text-body><p>Rotate yearly.</p></ac:rich-text-body></ac:structured-macro>" +
        "<p><ac:image><ri:attachment ri:filename=\"diagram.png\" /></ac:image></p>" +
        "<ac:structured-macro ac:name=\"toc\" />";

    private void Add(string id, string title, string space, string? parent, params FakeVersion[] versions) =>
        _pages[id] = new FakePage(id, title, space, parent, [.. versions]);

    private bool Authorized(string header)
    {
        string expected = Cloud
            ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Email + ":" + ApiToken))
            : "Bearer " + PersonalAccessToken;
        return header == expected
            || (AcceptToken is { } accept && header.StartsWith("Bearer ", StringComparison.Ordinal) && accept(header["Bearer ".Length..]));
    }

    private FakeSpace? Space(string key) => _spaces.FirstOrDefault(s => s.Key == key);

    // ---- Cloud: REST v2 + v1 search ----

    private void MapCloud(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder routes)
    {
        routes.MapGet("/wiki/api/v2/spaces", (HttpRequest request) =>
        {
            string[] keys = (request.Query["keys"].ToString() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
            FakeSpace[] spaces = [.. _spaces.Where(s => keys.Length == 0 || keys.Contains(s.Key))];
            return Json(new JsonObject { ["results"] = new JsonArray([.. spaces.Select(s => (JsonNode)V2Space(s))]), ["_links"] = new JsonObject() });
        });
        routes.MapGet("/wiki/api/v2/pages/{id}", (string id, HttpRequest request) =>
        {
            lock (_gate)
            {
                if (!_pages.TryGetValue(id, out FakePage? page) || VersionOf(page, request.Query["version"]) is not { } version)
                {
                    return Error(404, "NOT_FOUND", "Not Found");
                }

                return Json(V2Page(page, version, request.Query["body-format"].ToString()));
            }
        });
        routes.MapGet("/wiki/api/v2/pages/{id}/versions", (string id, HttpRequest request) =>
        {
            lock (_gate)
            {
                if (!_pages.TryGetValue(id, out FakePage? page))
                {
                    return Error(404, "NOT_FOUND", "Not Found");
                }

                IEnumerable<FakeVersion> ordered = request.Query["sort"] == "-modified-date" ? Enumerable.Reverse(page.Versions) : page.Versions;
                return CursorPage("/wiki/api/v2/pages/" + id + "/versions", request, ordered.Select(v => (JsonNode)new JsonObject
                {
                    ["number"] = v.Number,
                    ["message"] = v.Message ?? "",
                    ["minorEdit"] = false,
                    ["authorId"] = "acc-" + v.Author.Split(' ')[0].ToLowerInvariant(),
                    ["createdAt"] = v.When,
                }));
            }
        });
        routes.MapGet("/wiki/api/v2/spaces/{spaceId}/pages", (string spaceId, HttpRequest request) =>
        {
            lock (_gate)
            {
                FakeSpace? space = _spaces.FirstOrDefault(s => s.Id == spaceId);
                return space is null ? Error(404, "NOT_FOUND", "Not Found") : CursorPage("/wiki/api/v2/spaces/" + spaceId + "/pages", request,
                    _pages.Values.Where(p => p.Space == space.Key && p.Parent is null).Select(p => (JsonNode)V2Page(p, p.Versions[^1], "")));
            }
        });
        routes.MapGet("/wiki/api/v2/pages/{id}/children", (string id, HttpRequest request) =>
        {
            lock (_gate)
            {
                return !_pages.ContainsKey(id) ? Error(404, "NOT_FOUND", "Not Found") : CursorPage("/wiki/api/v2/pages/" + id + "/children", request,
                    _pages.Values.Where(p => p.Parent == id).Select(p => (JsonNode)new JsonObject
                    {
                        ["id"] = p.Id,
                        ["status"] = "current",
                        ["title"] = p.Title,
                        ["spaceId"] = Space(p.Space)!.Id,
                        ["childPosition"] = 0,
                    }));
            }
        });
        routes.MapGet("/wiki/rest/api/search", (HttpRequest request) =>
        {
            if (Parse(request.Query["cql"].ToString()) is not { } query)
            {
                return Error(400, "BAD_REQUEST", "Could not parse cql");
            }

            int limit = int.Parse(request.Query["limit"].ToString(), CultureInfo.InvariantCulture);
            int start = request.Query["cursor"].ToString() is { Length: > 0 } cursor ? int.Parse(cursor[1..], CultureInfo.InvariantCulture) : 0;
            int size = Math.Min(limit, SearchPageSize);
            FakePage[] all = Matches(query);
            FakePage[] page = [.. all.Skip(start).Take(size)];
            var links = new JsonObject { ["base"] = BaseUrl + "wiki", ["context"] = "/wiki" };
            if (start + page.Length < all.Length)
            {
                links["next"] = "/rest/api/search?cql=" + Uri.EscapeDataString(request.Query["cql"].ToString())
                    + "&limit=" + limit + "&cursor=c" + (start + page.Length).ToString(CultureInfo.InvariantCulture);
            }

            return Json(new JsonObject
            {
                ["results"] = new JsonArray([.. page.Select(p => (JsonNode)new JsonObject
                {
                    ["content"] = V1Content(p, p.Versions[^1], false),
                    ["title"] = p.Title,
                    ["excerpt"] = "@@@hl@@@" + query.Text + "@@@endhl@@@ in " + p.Title,
                    ["url"] = "/spaces/" + p.Space + "/pages/" + p.Id,
                    ["lastModified"] = p.Versions[^1].When,
                })]),
                ["start"] = start,
                ["limit"] = limit,
                ["size"] = page.Length,
                ["totalSize"] = all.Length,
                ["_links"] = links,
            });
        });
        routes.MapPost("/wiki/api/v2/pages", async (HttpRequest request) =>
        {
            JsonNode body = (await JsonNode.ParseAsync(request.Body))!;
            lock (_gate)
            {
                FakeSpace? space = _spaces.FirstOrDefault(s => s.Id == body["spaceId"]?.GetValue<string>());
                if (space is null)
                {
                    return Error(404, "NOT_FOUND", "Space not found");
                }

                FakePage page = Create(body["title"]!.GetValue<string>(), space.Key, body["parentId"]?.GetValue<string>(),
                    body["body"]!["value"]!.GetValue<string>());
                return Json(V2Page(page, page.Versions[^1], ""));
            }
        });
        routes.MapPut("/wiki/api/v2/pages/{id}", async (string id, HttpRequest request) =>
        {
            JsonNode body = (await JsonNode.ParseAsync(request.Body))!;
            return Update(id, body["title"]!.GetValue<string>(), body["version"]!["number"]!.GetValue<int>(), body["body"]!["value"]!.GetValue<string>(),
                page => V2Page(page, page.Versions[^1], ""));
        });
        routes.MapPost("/wiki/api/v2/footer-comments", async (HttpRequest request) =>
        {
            JsonNode body = (await JsonNode.ParseAsync(request.Body))!;
            lock (_gate)
            {
                return _pages.ContainsKey(body["pageId"]!.GetValue<string>())
                    ? Json(new JsonObject { ["id"] = (_nextId++).ToString(CultureInfo.InvariantCulture), ["status"] = "current", ["pageId"] = body["pageId"]!.GetValue<string>() })
                    : Error(404, "NOT_FOUND", "Not Found");
            }
        });
    }

    private JsonObject V2Page(FakePage page, FakeVersion version, string bodyFormat)
    {
        var json = new JsonObject
        {
            ["id"] = page.Id,
            ["status"] = "current",
            ["title"] = page.Title,
            ["spaceId"] = Space(page.Space)!.Id,
            ["parentId"] = page.Parent,
            ["authorId"] = "acc-author",
            ["createdAt"] = page.Versions[0].When,
            ["version"] = new JsonObject { ["createdAt"] = version.When, ["message"] = version.Message ?? "", ["number"] = version.Number, ["minorEdit"] = false, ["authorId"] = "acc-author" },
            ["_links"] = new JsonObject { ["webui"] = "/spaces/" + page.Space + "/pages/" + page.Id, ["tinyui"] = "/x/abc" },
        };
        if (bodyFormat == "storage")
        {
            json["body"] = new JsonObject { ["storage"] = new JsonObject { ["representation"] = "storage", ["value"] = version.Storage } };
        }
        else if (bodyFormat == "atlas_doc_format")
        {
            json["body"] = new JsonObject { ["atlas_doc_format"] = new JsonObject { ["representation"] = "atlas_doc_format", ["value"] = version.Adf ?? "{\"type\":\"doc\",\"content\":[]}" } };
        }

        return json;
    }

    private static JsonObject V2Space(FakeSpace s) => new() { ["id"] = s.Id, ["key"] = s.Key, ["name"] = s.Name, ["type"] = "global", ["status"] = "current" };

    /// <summary>v2 cursor paging: <c>limit</c>, <c>cursor</c> (here "c&lt;offset&gt;"), the next page's link in <c>_links.next</c>.</summary>
    private static IResult CursorPage(string path, HttpRequest request, IEnumerable<JsonNode> items)
    {
        JsonNode[] all = [.. items];
        int limit = int.Parse(request.Query["limit"].ToString() is { Length: > 0 } l ? l : "25", CultureInfo.InvariantCulture);
        int start = request.Query["cursor"].ToString() is { Length: > 0 } cursor ? int.Parse(cursor[1..], CultureInfo.InvariantCulture) : 0;
        JsonNode[] page = [.. all.Skip(start).Take(limit)];
        var links = new JsonObject();
        if (start + page.Length < all.Length)
        {
            links["next"] = $"{path}?limit={limit}&cursor=c{start + page.Length}";
        }

        return Json(new JsonObject { ["results"] = new JsonArray(page), ["_links"] = links });
    }

    // ---- Data Center: REST v1 ----

    private void MapDataCenter(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder routes)
    {
        routes.MapGet("/rest/api/space", (HttpRequest request) =>
        {
            string[] keys = [.. request.Query["spaceKey"].Select(k => k!)];
            FakeSpace[] spaces = [.. _spaces.Where(s => keys.Length == 0 || keys.Contains(s.Key))];
            return Json(V1Page(spaces.Select(s => (JsonNode)new JsonObject { ["id"] = int.Parse(s.Id, CultureInfo.InvariantCulture), ["key"] = s.Key, ["name"] = s.Name, ["type"] = "global" }), 0, 500, spaces.Length));
        });
        routes.MapGet("/rest/api/content/{id}", (string id, HttpRequest request) =>
        {
            lock (_gate)
            {
                bool historical = request.Query["status"] == "historical";
                if (!_pages.TryGetValue(id, out FakePage? page) || VersionOf(page, historical ? request.Query["version"] : default) is not { } version)
                {
                    return Error(404, null, $"No content found with id: ContentId{{id={id}}}");
                }

                return Json(V1Content(page, version, request.Query["expand"].ToString().Contains("body.storage", StringComparison.Ordinal)));
            }
        });
        routes.MapGet("/rest/api/content/search", (HttpRequest request) =>
        {
            if (Parse(request.Query["cql"].ToString()) is not { } query)
            {
                return Error(400, null, "Could not parse cql : " + request.Query["cql"]);
            }

            return StartPage(request, Matches(query).Select(p => (JsonNode)V1Content(p, p.Versions[^1], false)), SearchPageSize);
        });
        routes.MapGet("/rest/api/space/{key}/content/page", (string key, HttpRequest request) =>
        {
            lock (_gate)
            {
                return Space(key) is null ? Error(404, null, "No space with key : " + key)
                    : StartPage(request, _pages.Values.Where(p => p.Space == key && p.Parent is null).Select(p => (JsonNode)new JsonObject
                    {
                        ["id"] = p.Id,
                        ["type"] = "page",
                        ["status"] = "current",
                        ["title"] = p.Title,
                    }), int.MaxValue);
            }
        });
        routes.MapGet("/rest/api/content/{id}/child/page", (string id, HttpRequest request) =>
        {
            lock (_gate)
            {
                return !_pages.ContainsKey(id) ? Error(404, null, "No content found")
                    : StartPage(request, _pages.Values.Where(p => p.Parent == id).Select(p => (JsonNode)V1Content(p, p.Versions[^1], false)), int.MaxValue);
            }
        });
        routes.MapGet("/rest/experimental/content/{id}/version", (string id, HttpRequest request) =>
        {
            lock (_gate)
            {
                return !_pages.TryGetValue(id, out FakePage? page) ? Error(404, null, "No content found")
                    : StartPage(request, Enumerable.Reverse(page.Versions).Select(v => (JsonNode)new JsonObject
                    {
                        ["by"] = new JsonObject { ["type"] = "known", ["username"] = v.Author.Split(' ')[0].ToLowerInvariant(), ["displayName"] = v.Author },
                        ["when"] = v.When,
                        ["message"] = v.Message ?? "",
                        ["number"] = v.Number,
                        ["minorEdit"] = false,
                    }), int.MaxValue);
            }
        });
        routes.MapPost("/rest/api/content", async (HttpRequest request) =>
        {
            JsonNode body = (await JsonNode.ParseAsync(request.Body))!;
            lock (_gate)
            {
                string storage = body["body"]!["storage"]!["value"]!.GetValue<string>();
                if (body["type"]!.GetValue<string>() == "comment")
                {
                    return _pages.ContainsKey(body["container"]!["id"]!.GetValue<string>())
                        ? Json(new JsonObject { ["id"] = (_nextId++).ToString(CultureInfo.InvariantCulture), ["type"] = "comment", ["title"] = "Re: page" })
                        : Error(404, null, "No content found");
                }

                string key = body["space"]!["key"]!.GetValue<string>();
                if (Space(key) is null)
                {
                    return Error(404, null, "No space with key : " + key);
                }

                FakePage page = Create(body["title"]!.GetValue<string>(), key, body["ancestors"]?[0]?["id"]?.GetValue<string>(), storage);
                return Json(V1Content(page, page.Versions[^1], false));
            }
        });
        routes.MapPut("/rest/api/content/{id}", async (string id, HttpRequest request) =>
        {
            JsonNode body = (await JsonNode.ParseAsync(request.Body))!;
            return Update(id, body["title"]!.GetValue<string>(), body["version"]!["number"]!.GetValue<int>(), body["body"]!["storage"]!["value"]!.GetValue<string>(),
                page => V1Content(page, page.Versions[^1], false));
        });
    }

    private JsonObject V1Content(FakePage page, FakeVersion version, bool body)
    {
        FakeSpace space = Space(page.Space)!;
        var json = new JsonObject
        {
            ["id"] = page.Id,
            ["type"] = "page",
            ["status"] = version == page.Versions[^1] ? "current" : "historical",
            ["title"] = page.Title,
            ["space"] = new JsonObject { ["id"] = int.Parse(space.Id, CultureInfo.InvariantCulture), ["key"] = space.Key, ["name"] = space.Name },
            ["version"] = new JsonObject
            {
                ["by"] = new JsonObject { ["type"] = "known", ["displayName"] = version.Author },
                ["when"] = version.When,
                ["message"] = version.Message ?? "",
                ["number"] = version.Number,
            },
            ["_links"] = new JsonObject { ["webui"] = "/pages/viewpage.action?pageId=" + page.Id },
        };
        if (body)
        {
            json["body"] = new JsonObject { ["storage"] = new JsonObject { ["value"] = version.Storage, ["representation"] = "storage" } };
        }

        return json;
    }

    private static JsonObject V1Page(IEnumerable<JsonNode> items, int start, int limit, int total)
    {
        JsonNode[] page = [.. items];
        var links = new JsonObject { ["base"] = "http://confluence", ["context"] = "" };
        if (start + page.Length < total)
        {
            links["next"] = $"/rest/api/x?start={start + page.Length}&limit={limit}";
        }

        return new JsonObject { ["results"] = new JsonArray(page), ["start"] = start, ["limit"] = limit, ["size"] = page.Length, ["_links"] = links };
    }

    private static IResult StartPage(HttpRequest request, IEnumerable<JsonNode> items, int cap)
    {
        JsonNode[] all = [.. items];
        int start = int.Parse(request.Query["start"].ToString() is { Length: > 0 } s ? s : "0", CultureInfo.InvariantCulture);
        int limit = Math.Min(cap, int.Parse(request.Query["limit"].ToString() is { Length: > 0 } l ? l : "25", CultureInfo.InvariantCulture));
        return Json(V1Page(all.Skip(start).Take(limit), start, limit, all.Length));
    }

    // ---- shared ----

    private FakePage Create(string title, string space, string? parent, string storage)
    {
        string id = (_nextId++).ToString(CultureInfo.InvariantCulture);
        var page = new FakePage(id, title, space, parent, [new FakeVersion(1, "2026-06-01T09:00:00.000Z", "Bot", null, storage, null)]);
        _pages[id] = page;
        return page;
    }

    /// <summary>An update must carry the next version number; anything else is the documented 409 Conflict.</summary>
    private IResult Update(string id, string title, int number, string storage, Func<FakePage, JsonObject> render)
    {
        lock (_gate)
        {
            if (!_pages.TryGetValue(id, out FakePage? page))
            {
                return Cloud ? Error(404, "NOT_FOUND", "Not Found") : Error(404, null, "No content found");
            }

            if (SomeoneSavesBeforeNextUpdate is { } theirs)
            {
                SomeoneSavesBeforeNextUpdate = null;
                page.Versions.Add(new FakeVersion(page.Versions.Count + 1, "2026-06-01T12:00:00.000Z", "Someone Else", null, theirs, null));
            }

            int current = page.Versions[^1].Number;
            if (number != current + 1)
            {
                return Cloud
                    ? Error(409, "CONFLICT", "Version must be incremented on update. Current version is: " + current)
                    : Error(409, null, "Version must be incremented on update. Current version is: " + current);
            }

            page.Title = title;
            page.Versions.Add(new FakeVersion(number, "2026-06-02T09:00:00.000Z", "Bot", null, storage, null));
            return Json(render(page));
        }
    }

    private static FakeVersion? VersionOf(FakePage page, Microsoft.Extensions.Primitives.StringValues version) =>
        version.ToString() is { Length: > 0 } v ? page.Versions.FirstOrDefault(x => x.Number.ToString(CultureInfo.InvariantCulture) == v) : page.Versions[^1];

    private FakePage[] Matches(FakeQuery query)
    {
        lock (_gate)
        {
            IEnumerable<FakePage> pages = _pages.Values.Where(p => query.Spaces.Contains(p.Space)
                && (query.Space is null || p.Space == query.Space)
                && (query.Ancestor is null || p.Parent == query.Ancestor)
                && (p.Title + " " + p.Versions[^1].Storage).Contains(query.Text, StringComparison.OrdinalIgnoreCase)
                && (query.From is null || string.CompareOrdinal(p.Versions[^1].When, query.From) >= 0)
                && (query.Before is null || string.CompareOrdinal(p.Versions[^1].When, query.Before) < 0));
            if (LeakSecretHit)
            {
                pages = pages.Append(_pages["200"]);
            }

            return [.. pages.OrderBy(p => p.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>Reads exactly the CQL <see cref="Cql.Build"/> writes; null for anything else.</summary>
    internal static FakeQuery? Parse(string cql)
    {
        Match m = CqlShape().Match(cql);
        if (!m.Success)
        {
            return null;
        }

        string[] spaces = [.. QuotedString().Matches(m.Groups["spaces"].Value).Select(q => Unquote(q.Value))];
        return new FakeQuery(spaces, Optional(m, "space"), Optional(m, "ancestor"), Unquote(m.Groups["text"].Value), Optional(m, "from"), Optional(m, "before"));
    }

    private static string? Optional(Match m, string group) => m.Groups[group].Success ? Unquote(m.Groups[group].Value) : null;

    private static string Unquote(string quoted)
    {
        var sb = new StringBuilder();
        for (int i = 1; i < quoted.Length - 1; i++)
        {
            if (quoted[i] == '\\')
            {
                i++;
            }

            sb.Append(quoted[i]);
        }

        return sb.ToString();
    }

    private static IResult Json(JsonNode node) => Results.Content(node.ToJsonString(), "application/json");

    /// <summary>Cloud v2 errors <c>{errors:[…]}</c> when <paramref name="code"/> is set, else v1 <c>{statusCode, message, data}</c>.</summary>
    private IResult Error(int status, string? code, string message)
    {
        JsonObject body = Cloud && code is not null
            ? new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["status"] = status, ["code"] = code, ["title"] = message, ["detail"] = null }) }
            : new JsonObject
            {
                ["statusCode"] = status,
                ["message"] = message,
                ["data"] = new JsonObject { ["authorized"] = status != 403, ["valid"] = status != 400, ["errors"] = new JsonArray(), ["successful"] = false },
            };
        return Results.Content(body.ToJsonString(), "application/json", statusCode: status);
    }

    private const string Q = "\"(?:[^\"\\\\]|\\\\.)*\"";

    [GeneratedRegex("^type = page AND space IN \\((?<spaces>" + Q + "(?:," + Q + ")*)\\)(?: AND space = (?<space>" + Q + "))?(?: AND ancestor = (?<ancestor>" + Q + "))?"
        + " AND text ~ (?<text>" + Q + ")(?: AND lastmodified >= (?<from>" + Q + "))?(?: AND lastmodified < (?<before>" + Q + "))?$", RegexOptions.Singleline)]
    private static partial Regex CqlShape();

    [GeneratedRegex(Q)]
    private static partial Regex QuotedString();
}

public sealed record FakeSpace(string Id, string Key, string Name);

public sealed record FakeVersion(int Number, string When, string Author, string? Message, string Storage, string? Adf);

public sealed class FakePage(string id, string title, string space, string? parent, List<FakeVersion> versions)
{
    public string Id { get; } = id;
    public string Title { get; set; } = title;
    public string Space { get; } = space;
    public string? Parent { get; } = parent;
    public List<FakeVersion> Versions { get; } = versions;
}

internal sealed record FakeQuery(string[] Spaces, string? Space, string? Ancestor, string Text, string? From, string? Before);

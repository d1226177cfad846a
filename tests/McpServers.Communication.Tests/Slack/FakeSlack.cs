using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Communication.Tests.Slack;

/// <summary>
/// A loopback Slack Web API following the documented shapes: every method under <c>/api/{method}</c> answers HTTP 200 with
/// <c>ok</c>, and on failure <c>ok: false</c> with an <c>error</c> code (<c>missing_scope</c> adds <c>needed</c>/<c>provided</c>);
/// cursor paging with <c>response_metadata.next_cursor</c> ("" at the end); conversations.list/history/replies, users.info,
/// search.messages (user token only: a bot token gets <c>not_allowed_token_type</c>; <c>page</c>/<c>paging</c>),
/// chat.postMessage (JSON or form), chat.getPermalink; queued faults (an <c>ok:false</c> code, or HTTP 429 with Retry-After).
/// Every request is recorded.
/// </summary>
/// <remarks>
/// Seeded: channels C0RELEASE1 #release (with a thread), C0RANDOM01 #random, G0SECRET01 #secret-project (private),
/// C0GENERAL1 #general; users U0DANA0001 Dana (display name), U0LEE00001 Lee Park (real name only).
/// </remarks>
public sealed class FakeSlack : IAsyncDisposable
{
    public const string BotToken = "xoxb-111111111111-222222222222-CanarySlackBotToken0001";
    public const string UserToken = "xoxp-111111111111-333333333333-CanarySlackUserToken001";
    public const string Release = "C0RELEASE1";
    public const string Random = "C0RANDOM01";
    public const string Secret = "G0SECRET01";
    public const string General = "C0GENERAL1";
    public const string Dana = "U0DANA0001";
    public const string Lee = "U0LEE00001";
    public const string ThreadTs = "1764493200.000100";

    private readonly LoopbackHttpServer _server = new();
    private readonly Lock _gate = new();
    private readonly Queue<Func<HttpContext, Task>> _faults = new();
    private readonly List<FakeChannel> _channels = [];
    private readonly Dictionary<string, JsonObject> _users = new(StringComparer.Ordinal);
    private long _clock = 1_764_600_000;

    public sealed record FakeMessage(string Ts, string? User, string Text, string? ThreadTs = null)
    {
        public string? BotId { get; init; }

        public string? Username { get; init; }
    }

    public sealed class FakeChannel(string id, string name, bool isPrivate = false)
    {
        public string Id { get; } = id;

        public string Name { get; } = name;

        public bool IsPrivate { get; } = isPrivate;

        public bool IsArchived { get; set; }

        /// <summary>Top-level messages and replies, oldest first.</summary>
        public List<FakeMessage> Messages { get; } = [];
    }

    private FakeSlack()
    {
        FakeChannel release = Channel(Release, "release");
        release.Messages.Add(new FakeMessage("1764490000.000100", Dana, "Morning! *Freeze* starts _today_ at 17:00 &amp; lasts ~2 days~ a week."));
        release.Messages.Add(new FakeMessage(ThreadTs, Lee, "Decision: ship 4.2 on <!here> Thursday, see <https://wiki.example/release|the plan> and ask <@U0DANA0001>"));
        release.Messages.Add(new FakeMessage("1764493300.000200", Dana, "Agreed, I will update <#C0RANDOM01|random>.", ThreadTs));
        release.Messages.Add(new FakeMessage("1764493400.000300", Lee, "`code &lt;stays&gt;` and ```*not bold*```", ThreadTs));
        release.Messages.Add(new FakeMessage("1764496800.000400", null, "Build 4.2.0-rc1 is green") { BotId = "B0CI000001", Username = "ci-bot" });
        FakeChannel random = Channel(Random, "random");
        random.Messages.Add(new FakeMessage("1764490500.000100", Dana, "lunch anyone? release party next week"));
        FakeChannel secret = Channel(Secret, "secret-project", isPrivate: true);
        secret.Messages.Add(new FakeMessage("1764491000.000100", Lee, "the secret release codename is BLUEBIRD"));
        Channel(General, "general");
        _users[Dana] = new JsonObject { ["id"] = Dana, ["name"] = "dana", ["real_name"] = "Dana Smith", ["profile"] = new JsonObject { ["display_name"] = "Dana", ["real_name"] = "Dana Smith" } };
        _users[Lee] = new JsonObject { ["id"] = Lee, ["name"] = "lee", ["real_name"] = "Lee Park", ["profile"] = new JsonObject { ["display_name"] = "", ["real_name"] = "Lee Park" } };
        _server.Routes.Map("/api/{method}", HandleAsync);
    }

    public Uri BaseUrl => new(_server.BaseAddress, "api/");

    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    /// <summary>Requests to one Web API method.</summary>
    public IReadOnlyList<RecordedRequest> Calls(string method) => [.. Requests.Where(r => r.Path == "/api/" + method)];

    /// <summary>conversations.list page size when the client asks for more (tests lower it to see paging).</summary>
    public int ChannelPageSize { get; set; } = 200;

    /// <summary>Channels the app is not a member of: reads and posts answer <c>not_in_channel</c>.</summary>
    public HashSet<string> NotInChannel { get; } = new(StringComparer.Ordinal);

    /// <summary>Bot token scopes; without channels:history, history reads answer <c>missing_scope</c>.</summary>
    public HashSet<string> BotScopes { get; } = ["channels:read", "groups:read", "channels:history", "groups:history", "users:read", "chat:write"];

    public FakeChannel this[string id] => _channels.Single(c => c.Id == id);

    public static async Task<FakeSlack> StartAsync(CancellationToken cancellationToken = default)
    {
        var fake = new FakeSlack();
        await fake._server.StartAsync(cancellationToken);
        return fake;
    }

    /// <summary>The next request is answered <c>ok: false</c> with <paramref name="error"/> (plus needed/provided for missing_scope).</summary>
    public void FailNext(string error, string? needed = null, string? provided = null)
    {
        var body = new JsonObject { ["ok"] = false, ["error"] = error };
        if (needed is not null)
        {
            body["needed"] = needed;
            body["provided"] = provided;
        }

        Enqueue(context => Write(context, body));
    }

    /// <summary>The next request is answered HTTP 429 with <c>Retry-After: seconds</c>, as Slack does past a method's tier.</summary>
    public void RateLimitNext(int retryAfterSeconds) => Enqueue(async context =>
    {
        context.Response.StatusCode = 429;
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await Write(context, new JsonObject { ["ok"] = false, ["error"] = "ratelimited" });
    });

    /// <summary>Messages posted through chat.postMessage, in order.</summary>
    public IReadOnlyList<(string Channel, FakeMessage Message)> Posted
    {
        get
        {
            lock (_gate)
            {
                return [.. _posted];
            }
        }
    }

    private readonly List<(string, FakeMessage)> _posted = [];

    private void Enqueue(Func<HttpContext, Task> fault)
    {
        lock (_gate)
        {
            _faults.Enqueue(fault);
        }
    }

    private FakeChannel Channel(string id, string name, bool isPrivate = false)
    {
        var channel = new FakeChannel(id, name, isPrivate);
        _channels.Add(channel);
        return channel;
    }

    private async Task HandleAsync(HttpContext context, string method)
    {
        Func<HttpContext, Task>? fault;
        lock (_gate)
        {
            _faults.TryDequeue(out fault);
        }

        if (fault is not null)
        {
            await fault(context);
            return;
        }

        string auth = context.Request.Headers.Authorization.ToString();
        string? token = auth == "Bearer " + BotToken ? "bot" : auth == "Bearer " + UserToken ? "user" : null;
        if (token is null)
        {
            await Write(context, Error(auth.Length == 0 ? "not_authed" : "invalid_auth"));
            return;
        }

        Dictionary<string, string> args = await ArgumentsAsync(context.Request);
        JsonObject answer;
        lock (_gate)
        {
            answer = method switch
            {
                "conversations.list" => token == "bot" && !BotScopes.Contains("groups:read") && (Arg(args, "types") ?? "").Contains("private_channel", StringComparison.Ordinal)
                    ? new JsonObject { ["ok"] = false, ["error"] = "missing_scope", ["needed"] = "groups:read", ["provided"] = string.Join(",", BotScopes) }
                    : List(args),
                "conversations.history" => token == "bot" && !BotScopes.Contains("channels:history")
                    ? new JsonObject { ["ok"] = false, ["error"] = "missing_scope", ["needed"] = "channels:history", ["provided"] = string.Join(",", BotScopes) }
                    : History(args),
                "conversations.replies" => Replies(args),
                "auth.test" => Ok(o =>
                {
                    o["url"] = "https://fake-workspace.example/";
                    o["team"] = "Fake Workspace";
                    o["user"] = token == "bot" ? "mcp" : "dana";
                    o["team_id"] = "T0FAKE0001";
                    o["user_id"] = token == "bot" ? "U0BOT00001" : Dana;
                }),
                "users.info" => _users.TryGetValue(Arg(args, "user") ?? "", out JsonObject? user) ? Ok(o => o["user"] = user.DeepClone()) : Error("user_not_found"),
                "search.messages" => token == "bot" ? Error("not_allowed_token_type") : Search(args),
                "chat.postMessage" => Post(args),
                "chat.getPermalink" => Ok(o =>
                {
                    o["channel"] = Arg(args, "channel");
                    o["permalink"] = $"https://fake-workspace.example/archives/{Arg(args, "channel")}/p{Arg(args, "message_ts")?.Replace(".", "", StringComparison.Ordinal)}";
                }),
                _ => Error("unknown_method"),
            };
        }

        await Write(context, answer);
    }

    private JsonObject List(Dictionary<string, string> args)
    {
        bool privateToo = (Arg(args, "types") ?? "public_channel").Contains("private_channel", StringComparison.Ordinal);
        FakeChannel[] visible = [.. _channels.Where(c => privateToo || !c.IsPrivate)];
        int size = Math.Min(ChannelPageSize, int.Parse(Arg(args, "limit") ?? "100", CultureInfo.InvariantCulture));
        (int from, string next) = Page(args, visible.Length, size);
        return Ok(o =>
        {
            o["channels"] = new JsonArray([.. visible.Skip(from).Take(size).Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["name"] = c.Name,
                ["is_channel"] = !c.IsPrivate,
                ["is_group"] = false,
                ["is_im"] = false,
                ["is_private"] = c.IsPrivate,
                ["is_archived"] = c.IsArchived,
                ["is_member"] = !NotInChannel.Contains(c.Id),
                ["num_members"] = 12,
                ["topic"] = new JsonObject { ["value"] = $"All about {c.Name}", ["creator"] = Dana, ["last_set"] = 0 },
                ["purpose"] = new JsonObject { ["value"] = $"Talk about {c.Name}", ["creator"] = Dana, ["last_set"] = 0 },
            })]);
            o["response_metadata"] = new JsonObject { ["next_cursor"] = next };
        });
    }

    private JsonObject History(Dictionary<string, string> args)
    {
        if (Find(args) is not { } channel)
        {
            return Error("channel_not_found");
        }

        if (NotInChannel.Contains(channel.Id))
        {
            return Error("not_in_channel");
        }

        decimal oldest = decimal.Parse(Arg(args, "oldest") ?? "0", CultureInfo.InvariantCulture);
        decimal latest = Arg(args, "latest") is { } l ? decimal.Parse(l, CultureInfo.InvariantCulture) : decimal.MaxValue;
        FakeMessage[] top = [.. channel.Messages.Where(m => m.ThreadTs is null || m.ThreadTs == m.Ts)
            .Where(m => Ts(m.Ts) >= oldest && Ts(m.Ts) <= latest).OrderByDescending(m => Ts(m.Ts))];
        int size = int.Parse(Arg(args, "limit") ?? "100", CultureInfo.InvariantCulture);
        (int from, string next) = Page(args, top.Length, size);
        return Ok(o =>
        {
            o["messages"] = new JsonArray([.. top.Skip(from).Take(size).Select(m => Json(channel, m, includeChannel: false))]);
            o["has_more"] = next.Length > 0;
            o["pin_count"] = 0;
            o["response_metadata"] = new JsonObject { ["next_cursor"] = next };
        });
    }

    private JsonObject Replies(Dictionary<string, string> args)
    {
        if (Find(args) is not { } channel)
        {
            return Error("channel_not_found");
        }

        string ts = Arg(args, "ts") ?? "";
        FakeMessage? parent = channel.Messages.FirstOrDefault(m => m.Ts == ts);
        if (parent is null)
        {
            return Error("thread_not_found");
        }

        FakeMessage[] thread = [parent, .. channel.Messages.Where(m => m.ThreadTs == ts && m.Ts != ts)];
        int size = int.Parse(Arg(args, "limit") ?? "100", CultureInfo.InvariantCulture);
        (int from, string next) = Page(args, thread.Length, size);
        return Ok(o =>
        {
            o["messages"] = new JsonArray([.. thread.Skip(from).Take(size).Select(m => Json(channel, m, includeChannel: false))]);
            o["has_more"] = next.Length > 0;
            o["response_metadata"] = new JsonObject { ["next_cursor"] = next };
        });
    }

    /// <summary>Matches every quoted term (case-insensitive); honours in:#name and from:&lt;@U…&gt;; newest first, paged by page/count.</summary>
    private JsonObject Search(Dictionary<string, string> args)
    {
        string query = Arg(args, "query") ?? "";
        string[] terms = [.. Regex.Matches(query, "\"([^\"]*)\"").Select(m => m.Groups[1].Value)];
        string? inChannel = Regex.Match(query, "(?:^| )in:#([a-z0-9._-]+)") is { Success: true } i ? i.Groups[1].Value : null;
        string? from = Regex.Match(query, "(?:^| )from:<@([A-Z0-9]+)>") is { Success: true } f ? f.Groups[1].Value : null;
        var matches = _channels.Where(c => inChannel is null || c.Name == inChannel)
            .SelectMany(c => c.Messages.Select(m => (Channel: c, Message: m)))
            .Where(x => terms.All(t => x.Message.Text.Contains(t, StringComparison.OrdinalIgnoreCase)))
            .Where(x => from is null || x.Message.User == from)
            .OrderByDescending(x => Ts(x.Message.Ts)).ToList();
        int count = int.Parse(Arg(args, "count") ?? "20", CultureInfo.InvariantCulture);
        int page = int.Parse(Arg(args, "page") ?? "1", CultureInfo.InvariantCulture);
        int pages = Math.Max(1, (matches.Count + count - 1) / count);
        return Ok(o =>
        {
            o["query"] = query;
            o["messages"] = new JsonObject
            {
                ["total"] = matches.Count,
                ["matches"] = new JsonArray([.. matches.Skip((page - 1) * count).Take(count).Select(x => Json(x.Channel, x.Message, includeChannel: true))]),
                ["paging"] = new JsonObject { ["count"] = count, ["total"] = matches.Count, ["page"] = page, ["pages"] = pages },
            };
        });
    }

    private JsonObject Post(Dictionary<string, string> args)
    {
        if (Find(args) is not { } channel)
        {
            return Error("channel_not_found");
        }

        if (channel.IsArchived)
        {
            return Error("is_archived");
        }

        if (NotInChannel.Contains(channel.Id))
        {
            return Error("not_in_channel");
        }

        string text = Arg(args, "text") ?? "";
        if (text.Length == 0)
        {
            return Error("no_text");
        }

        if (text.Length > 40_000)
        {
            return Error("msg_too_long");
        }

        string? threadTs = Arg(args, "thread_ts");
        string ts = string.Create(CultureInfo.InvariantCulture, $"{++_clock}.000100");
        var message = new FakeMessage(ts, null, text, threadTs) { BotId = "B0APP00001", Username = "mcp" };
        channel.Messages.Add(message);
        _posted.Add((channel.Id, message));
        return Ok(o =>
        {
            o["channel"] = channel.Id;
            o["ts"] = ts;
            o["message"] = Json(channel, message, includeChannel: false);
        });
    }

    private FakeChannel? Find(Dictionary<string, string> args) => _channels.FirstOrDefault(c => c.Id == Arg(args, "channel"));

    private JsonNode Json(FakeChannel channel, FakeMessage m, bool includeChannel)
    {
        var json = new JsonObject { ["type"] = "message", ["ts"] = m.Ts, ["text"] = m.Text };
        if (m.User is not null)
        {
            json["user"] = m.User;
        }

        if (m.BotId is not null)
        {
            json["bot_id"] = m.BotId;
            json["subtype"] = "bot_message";
            json["username"] = m.Username;
        }

        int replies = channel.Messages.Count(r => r.ThreadTs == m.Ts && r.Ts != m.Ts);
        if (m.ThreadTs is not null || replies > 0)
        {
            json["thread_ts"] = m.ThreadTs ?? m.Ts;
        }

        if (replies > 0)
        {
            json["reply_count"] = replies;
        }

        if (includeChannel)
        {
            json["channel"] = new JsonObject { ["id"] = channel.Id, ["name"] = channel.Name, ["is_private"] = channel.IsPrivate };
            json["permalink"] = $"https://fake-workspace.example/archives/{channel.Id}/p{m.Ts.Replace(".", "", StringComparison.Ordinal)}";
        }

        return json;
    }

    /// <summary>Cursors are opaque to clients; here the offset, base64-encoded ("" at the end, as Slack does).</summary>
    private static (int From, string Next) Page(Dictionary<string, string> args, int count, int size)
    {
        int from = Arg(args, "cursor") is { Length: > 0 } cursor
            ? int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(cursor))["offset:".Length..], CultureInfo.InvariantCulture)
            : 0;
        return (from, from + size < count ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"offset:{from + size}")) : "");
    }

    private static decimal Ts(string ts) => decimal.Parse(ts, CultureInfo.InvariantCulture);

    private static string? Arg(Dictionary<string, string> args, string name) => args.TryGetValue(name, out string? value) ? value : null;

    /// <summary>Arguments from the query string, a form body, or a JSON body, as the Web API accepts them.</summary>
    private static async Task<Dictionary<string, string>> ArgumentsAsync(HttpRequest request)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            args[key] = value.ToString();
        }

        if (request.HasFormContentType)
        {
            foreach (var (key, value) in await request.ReadFormAsync())
            {
                args[key] = value.ToString();
            }
        }
        else if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true)
        {
            using JsonDocument body = await JsonDocument.ParseAsync(request.Body);
            foreach (JsonProperty p in body.RootElement.EnumerateObject())
            {
                args[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
        }

        return args;
    }

    private static JsonObject Ok(Action<JsonObject> fill)
    {
        var o = new JsonObject { ["ok"] = true };
        fill(o);
        return o;
    }

    private static JsonObject Error(string code) => new() { ["ok"] = false, ["error"] = code };

    private static Task Write(HttpContext context, JsonObject body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

using System.Globalization;
using System.Text;
using McpServers.Communication.Slack.Backend;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;
using Microsoft.Extensions.Logging;

namespace McpServers.Communication.Slack;

/// <summary>One Slack message as the tools return it; its text is mrkdwn rendered to Markdown, cleaned and capped.</summary>
/// <param name="Ts">Slack's id of the message (and its time): pass it as thread_ts to read or answer its thread.</param>
/// <param name="Time">When it was posted, ISO 8601 UTC.</param>
/// <param name="Author">@display name, or the bot's name.</param>
/// <param name="ReplyCount">Replies in its thread, when it starts one.</param>
public sealed record SlackMessage(string Ts, string Time, string? UserId, string Author, string Text, bool TextTruncated, string? ThreadTs,
    int? ReplyCount, string? ChannelId, string? Channel, string? Permalink);

/// <summary>A page of messages and the Slack cursor of the next one.</summary>
internal sealed record SlackMessagePage(IReadOnlyList<SlackMessage> Messages, string? NextCursor);

/// <summary>
/// The Slack backend as the tools use it: reads of allowed channels only, rendered for the model, and posting. Exists
/// (and so do the slack_* tools) only when a token is configured. A singleton.
/// </summary>
public sealed class SlackGateway
{
    private readonly SlackApi _api;
    private readonly SlackDirectory _directory;
    private readonly ILogger<SlackGateway> _logger;

    internal SlackGateway(SlackApi api, SlackDirectory directory, ILogger<SlackGateway> logger)
    {
        _api = api;
        _directory = directory;
        _logger = logger;
    }

    public SlackOptions Options => _api.Options;

    internal SlackDirectory Directory => _directory;

    /// <summary>
    /// For <c>--check</c>: each configured token is accepted (auth.test) and the allowlist resolves. Returns one line per
    /// fact; a refused token or a missing scope throws the mapped error, which names the setting to fix.
    /// </summary>
    public async Task<IReadOnlyList<string>> CheckAsync(CancellationToken cancellationToken)
    {
        var facts = new List<string>();
        foreach ((SlackTokenKind kind, string? token) in new[] { (SlackTokenKind.Bot, Options.BotToken), (SlackTokenKind.User, Options.UserToken) })
        {
            if (token is not null)
            {
                SlackAuthTest auth = await _api.GetAsync("auth.test", [], SlackJsonContext.Default.SlackAuthTest, kind, cancellationToken);
                facts.Add($"Slack {(kind == SlackTokenKind.Bot ? "bot" : "user")} token accepted: workspace {Name(auth.Team)}, user {Name(auth.User)}.");
            }
        }

        ChannelMap map = await _directory.ChannelsAsync(refresh: true, cancellationToken);
        facts.Add(string.Create(CultureInfo.InvariantCulture,
            $"Slack channels allowed and visible: {map.Allowed.Count(c => c.Info is not null)} of {Options.Channels.Count} in Slack:Channels ({string.Join(", ", map.Allowed.Select(c => c.Label))})."));
        return facts;
    }

    private static string Name(string? value) => value is null ? "(unnamed)" : Line(value);

    /// <summary>conversations.history: newest first, as Slack pages it.</summary>
    internal async Task<SlackMessagePage> HistoryAsync(AllowedChannel channel, DateTimeOffset? oldest, DateTimeOffset? latest, int limit, string? cursor,
        CancellationToken cancellationToken)
    {
        SlackMessages page = await _api.GetAsync("conversations.history",
            [
                new("channel", channel.Id), new("limit", Number(limit)), new("cursor", cursor), new("inclusive", "true"),
                new("oldest", oldest is { } o ? SlackTime.Ts(o) : null), new("latest", latest is { } l ? SlackTime.Ts(l) : null),
            ],
            SlackJsonContext.Default.SlackMessages, Options.ReadToken, cancellationToken);
        return new SlackMessagePage(await RenderAsync(page.Messages ?? [], _ => channel, cancellationToken), Next(page));
    }

    /// <summary>conversations.replies: the thread's first message, then its replies oldest first.</summary>
    internal async Task<SlackMessagePage> RepliesAsync(AllowedChannel channel, string threadTs, int limit, string? cursor, CancellationToken cancellationToken)
    {
        SlackMessages page = await _api.GetAsync("conversations.replies",
            [new("channel", channel.Id), new("ts", threadTs), new("limit", Number(limit)), new("cursor", cursor)],
            SlackJsonContext.Default.SlackMessages, Options.ReadToken, cancellationToken);
        return new SlackMessagePage(await RenderAsync(page.Messages ?? [], _ => channel, cancellationToken), Next(page));
    }

    /// <summary>search.messages (user token only), newest first; matches outside the allowed channels are left out and counted.</summary>
    internal async Task<(SlackMessagePage Page, int LeftOut, int Total)> SearchAsync(string query, int count, int page, CancellationToken cancellationToken)
    {
        SlackSearchResponse result = await _api.GetAsync("search.messages",
            [new("query", query), new("count", Number(count)), new("page", Number(page)), new("sort", "timestamp"), new("sort_dir", "desc"), new("highlight", "false")],
            SlackJsonContext.Default.SlackSearchResponse, SlackTokenKind.User, cancellationToken);
        Func<string?, bool> allowed = await _directory.AllowedFilterAsync(cancellationToken);
        List<SlackApiMessage> matches = result.Messages?.Matches ?? [];
        List<SlackApiMessage> kept = [.. matches.Where(m => allowed(m.Channel?.Id))];
        IReadOnlyList<AllowedChannel> channels = (await _directory.ChannelsAsync(refresh: false, cancellationToken)).Allowed;
        IReadOnlyList<SlackMessage> messages = await RenderAsync(kept, m => channels.First(c => c.Id == m.Channel!.Id), cancellationToken);
        SlackPaging? paging = result.Messages?.Paging;
        string? next = paging is { } p && p.Page < p.Pages && p.Page < 100 ? Number(p.Page + 1) : null;
        return (new SlackMessagePage(messages, next), matches.Count - kept.Count, result.Messages?.Total ?? 0);
    }

    /// <summary>chat.postMessage, then chat.getPermalink (a failure there leaves the post standing, without a link).</summary>
    internal async Task<(string Ts, string? Permalink)> PostAsync(AllowedChannel channel, string text, string? threadTs, CancellationToken cancellationToken)
    {
        SlackPostResponse posted = await _api.PostJsonAsync("chat.postMessage", new SlackPostRequest(channel.Id, text, threadTs),
            SlackJsonContext.Default.SlackPostRequest, SlackJsonContext.Default.SlackPostResponse, Options.ReadToken, cancellationToken);
        string ts = posted.Ts is { } t && SlackChannelName.IsTs(t) ? t : "";
        try
        {
            SlackPermalinkResponse link = await _api.GetAsync("chat.getPermalink", [new("channel", channel.Id), new("message_ts", ts)],
                SlackJsonContext.Default.SlackPermalinkResponse, Options.ReadToken, cancellationToken);
            return (ts, link.Permalink is { } url && Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && uri.Scheme == Uri.UriSchemeHttps ? uri.AbsoluteUri : null);
        }
        catch (Exception e) when (e is BackendException or ToolInputException)
        {
            Log.PermalinkFailed(_logger, ts);
            return (ts, null);
        }
    }

    private async Task<IReadOnlyList<SlackMessage>> RenderAsync(IReadOnlyList<SlackApiMessage> messages, Func<SlackApiMessage, AllowedChannel> channelOf,
        CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, string> users = await _directory.UserNamesAsync(
            messages.SelectMany(m => SlackMrkdwn.MentionedUsers(m.Text).Prepend(m.User ?? "")), cancellationToken);
        return [.. messages.Select(m => Message(m, channelOf(m), users))];
    }

    private SlackMessage Message(SlackApiMessage m, AllowedChannel channel, IReadOnlyDictionary<string, string> users)
    {
        string rendered = SlackMrkdwn.Render(m.Text, id => users.GetValueOrDefault(id), _directory.ChannelName);
        string text = TextHygiene.Truncate(rendered.Length == 0 ? "(no text)" : rendered, Options.MaxMessageChars);
        string? userId = m.User is { } u && SlackChannelName.IsUserId(u) ? u : null;
        string author = userId is not null ? "@" + users.GetValueOrDefault(userId, userId)
            : m.BotId is not null || m.Subtype == "bot_message" ? Line(m.Username ?? "bot") + " (bot)"
            : Line(m.Username ?? "unknown");
        string? threadTs = m.ThreadTs is { } tt && SlackChannelName.IsTs(tt) ? tt : null;
        string? permalink = m.Permalink is { } p && Uri.TryCreate(p, UriKind.Absolute, out Uri? link) && link.Scheme == Uri.UriSchemeHttps ? link.AbsoluteUri : null;
        string ts = m.Ts is { } t && SlackChannelName.IsTs(t) ? t : "";
        return new SlackMessage(ts, SlackTime.Iso(ts), userId, author, text, text.Length < rendered.Length, threadTs, m.ReplyCount is > 0 ? m.ReplyCount : null,
            channel.Id, channel.Name is null ? null : "#" + channel.Name, permalink);
    }

    /// <summary>One message as the model reads it: when, who, ts, then the text indented.</summary>
    public static string Line(SlackMessage m, bool withChannel = false)
    {
        var text = new StringBuilder();
        text.Append('[').Append(m.Time).Append("] ");
        if (withChannel)
        {
            text.Append(m.Channel ?? m.ChannelId).Append(' ');
        }

        text.Append(m.Author).Append(" (ts ").Append(m.Ts);
        if (m.ThreadTs is { } thread && thread != m.Ts)
        {
            text.Append(", reply in thread ").Append(thread);
        }

        if (m.ReplyCount is { } replies)
        {
            text.Append(CultureInfo.InvariantCulture, $", thread with {replies} repl{(replies == 1 ? "y" : "ies")}");
        }

        text.Append("):\n    ").Append(m.Text.ReplaceLineEndings("\n    "));
        if (m.TextTruncated)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n    [message cut at {m.Text.Length} characters]");
        }

        return text.ToString();
    }

    private static string Line(string value) => TextHygiene.CleanAndTruncate(value, 80).ReplaceLineEndings(" ");

    private static string? Next(SlackResponse page) => page.ResponseMetadata?.NextCursor is { Length: > 0 } next ? next : null;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}

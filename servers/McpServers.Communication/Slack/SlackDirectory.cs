using System.Collections.Concurrent;
using McpServers.Communication.Slack.Backend;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;
using Microsoft.Extensions.Logging;

namespace McpServers.Communication.Slack;

/// <summary>An allowed channel: its id, its name when Slack has told us, and what conversations.list said about it.</summary>
public sealed record AllowedChannel(string Id, string? Name)
{
    /// <summary>#name (id), or the id alone: how previews, audit lines and results name the channel.</summary>
    public string Label => Name is null ? Id : $"#{Name} ({Id})";

    internal SlackConversation? Info { get; init; }
}

/// <summary>
/// Who and what the Slack tools may see: the channel allowlist (Slack:Channels), with #names resolved to ids through
/// conversations.list once and cached, and user display names from users.info, cached and bounded. A singleton.
/// </summary>
public sealed class SlackDirectory : IDisposable
{
    private readonly SlackApi _api;
    private readonly ILogger<SlackDirectory> _logger;

    internal SlackDirectory(SlackApi api, ILogger<SlackDirectory> logger)
    {
        _api = api;
        _logger = logger;
    }

    /// <summary>Most users.info lookups one rendering makes; further users are shown by id.</summary>
    internal const int MaxLookupsPerCall = 50;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, string> _users = new(StringComparer.Ordinal);
    private volatile ChannelMap? _channels;

    private SlackOptions Options => _api.Options;

    /// <summary>Channel ids listed in Slack:Channels (no lookup needed for these).</summary>
    private IEnumerable<string> ConfiguredIds => Options.Channels.Where(SlackChannelName.IsId);

    /// <summary>
    /// The allowed channel <paramref name="channel"/> (an id, #name or name) names, or a <see cref="ToolInputException"/>
    /// naming Slack:Channels. An id listed in the allowlist needs no call to Slack.
    /// </summary>
    public async Task<AllowedChannel> ResolveAsync(string channel, string parameterName, CancellationToken cancellationToken)
    {
        string value = (channel ?? "").Trim();
        if (SlackChannelName.IsId(value) && ConfiguredIds.Contains(value, StringComparer.Ordinal) && _channels is null
            && Options.Channels.All(SlackChannelName.IsId))
        {
            return new AllowedChannel(value, null);
        }

        ChannelMap map = await ChannelsAsync(refresh: false, cancellationToken);
        string? id = SlackChannelName.IsId(value) ? value
            : SlackChannelName.IsName(value) && map.IdsByName.TryGetValue(SlackChannelName.Bare(value), out string? named) ? named
            : null;
        return id is not null && map.Allowed.FirstOrDefault(a => a.Id == id) is { } allowed
            ? allowed
            : throw new ToolInputException(
                $"`{parameterName}`: '{TextHygiene.CleanAndTruncate(value, 90)}' is not one of the allowed channels (set by the administrator in Slack:Channels); slack_list_channels lists them.");
    }

    /// <summary>Whether a conversation id is allowed (for filtering search results).</summary>
    public async Task<Func<string?, bool>> AllowedFilterAsync(CancellationToken cancellationToken)
    {
        ChannelMap map = await ChannelsAsync(refresh: false, cancellationToken);
        var ids = map.Allowed.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        return id => id is not null && ids.Contains(id);
    }

    /// <summary>The allowed channels, with what Slack says about them; <paramref name="refresh"/> reads conversations.list again.</summary>
    internal async Task<ChannelMap> ChannelsAsync(bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && _channels is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!refresh && _channels is { } again)
            {
                return again;
            }

            ChannelMap map = await LoadAsync(cancellationToken);
            _channels = map;
            return map;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The name of a conversation id when the directory holds it (rendering <c>&lt;#C123&gt;</c> without a label).</summary>
    public string? ChannelName(string id) => _channels is { } map && map.ById.TryGetValue(id, out SlackConversation? c) ? Clean(c.Name) : null;

    /// <summary>Display names of <paramref name="userIds"/> (cached; at most <see cref="MaxLookupsPerCall"/> new lookups). Users not found keep their id.</summary>
    public async Task<IReadOnlyDictionary<string, string>> UserNamesAsync(IEnumerable<string> userIds, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        int lookups = 0;
        foreach (string id in userIds.Where(SlackChannelName.IsUserId).Distinct(StringComparer.Ordinal))
        {
            if (_users.TryGetValue(id, out string? known))
            {
                names[id] = known;
                continue;
            }

            if (lookups++ >= MaxLookupsPerCall)
            {
                continue;
            }

            string name = await LookUpAsync(id, cancellationToken);
            names[id] = name;
            if (_users.Count < Options.MaxCachedUsers)
            {
                _users.TryAdd(id, name);
            }
        }

        return names;
    }

    private async Task<string> LookUpAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            SlackUserInfo info = await _api.GetAsync("users.info", [new("user", id)], SlackJsonContext.Default.SlackUserInfo, Options.ReadToken, cancellationToken);
            return Clean(NonEmpty(info.User?.Profile?.DisplayName) ?? NonEmpty(info.User?.Profile?.RealName) ?? NonEmpty(info.User?.RealName) ?? info.User?.Name) ?? id;
        }
        catch (Exception e) when (e is BackendException { Kind: not (BackendErrorKind.Unauthorized or BackendErrorKind.RateLimited) } or ToolInputException)
        {
            // A deleted user or a token without users:read: the message still reads, with the user's id.
            Log.UserLookupFailed(_logger, e is BackendException b ? b.Kind.ToString() : "input");
            return id;
        }
    }

    private async Task<ChannelMap> LoadAsync(CancellationToken cancellationToken)
    {
        var byId = new Dictionary<string, SlackConversation>(StringComparer.Ordinal);
        int pages = 0;
        string types = "public_channel,private_channel";
        string? cursor = null;
        while (pages < Options.MaxChannelPages)
        {
            SlackConversationsList page;
            try
            {
                page = await _api.GetAsync("conversations.list",
                    [new("types", types), new("exclude_archived", "false"), new("limit", "200"), new("cursor", cursor)],
                    SlackJsonContext.Default.SlackConversationsList, Options.ReadToken, cancellationToken);
            }
            catch (BackendException e) when (e.Kind == BackendErrorKind.Forbidden && pages == 0 && types.Contains(',', StringComparison.Ordinal))
            {
                // Private channels need the groups:read scope; without it, public channels still resolve.
                types = "public_channel";
                continue;
            }

            pages++;
            foreach (SlackConversation c in page.Channels ?? [])
            {
                if (c.Id is { } id && SlackChannelName.IsId(id))
                {
                    byId[id] = c;
                }
            }

            cursor = NonEmpty(page.ResponseMetadata?.NextCursor);
            if (cursor is null)
            {
                break;
            }
        }

        var idsByName = byId.Values.Where(c => c.Name is { } n && SlackChannelName.IsName(n))
            .GroupBy(c => c.Name!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Id!, StringComparer.Ordinal);
        var allowed = new List<AllowedChannel>();
        foreach (string entry in Options.Channels)
        {
            string? id = SlackChannelName.IsId(entry) ? entry : idsByName.GetValueOrDefault(SlackChannelName.Bare(entry));
            if (id is null)
            {
                Log.ChannelNotFound(_logger, entry);
                continue;
            }

            if (allowed.All(a => a.Id != id))
            {
                SlackConversation? info = byId.GetValueOrDefault(id);
                allowed.Add(new AllowedChannel(id, Clean(info?.Name) ?? (SlackChannelName.IsId(entry) ? null : SlackChannelName.Bare(entry))) { Info = info });
            }
        }

        Log.ChannelsResolved(_logger, allowed.Count, pages);
        return new ChannelMap(byId, idsByName, allowed);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string? Clean(string? value) =>
        value is null ? null : TextHygiene.CleanAndTruncate(value, 80).ReplaceLineEndings(" ");

    public void Dispose() => _gate.Dispose();
}

/// <summary>What conversations.list said, and the allowlist resolved against it.</summary>
internal sealed record ChannelMap(IReadOnlyDictionary<string, SlackConversation> ById, IReadOnlyDictionary<string, string> IdsByName,
    IReadOnlyList<AllowedChannel> Allowed);

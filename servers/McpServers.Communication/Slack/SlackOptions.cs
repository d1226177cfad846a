using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Communication.Slack;

/// <summary>
/// The Slack backend's settings, under <c>Slack:</c> (environment <c>MCP_COMMUNICATION__Slack__Channels</c>, or the
/// vendor names <c>SLACK_BOT_TOKEN</c> / <c>SLACK_USER_TOKEN</c>). Slack is on when a token is set; then
/// <see cref="Channels"/> is required. Checked at start by <see cref="SlackOptionsValidator"/>.
/// </summary>
public sealed record SlackOptions
{
    public const string Section = "Slack";
    public const string BotTokenEnvironment = "SLACK_BOT_TOKEN";
    public const string UserTokenEnvironment = "SLACK_USER_TOKEN";
    public const string DefaultBaseUrl = "https://slack.com/api/";

    /// <summary>Slack refuses a message text longer than this (chat.postMessage: "truncated to 40,000 characters").</summary>
    public const int SlackTextLimit = 40_000;

    public Uri BaseUrl { get; set; } = new(DefaultBaseUrl);

    /// <summary>A bot token (<c>xoxb-</c>): reads and posts as the app.</summary>
    public string? BotToken { get; set; }

    /// <summary>A user token (<c>xoxp-</c>): enables slack_search (search.messages takes user tokens only); reads and posts when no bot token is set.</summary>
    public string? UserToken { get; set; }

    /// <summary>The channels the tools may read and post to: ids (C…, G…) or #names, resolved through conversations.list.</summary>
    public IReadOnlyList<string> Channels { get; set; } = [];

    /// <summary>Most messages (or channels, or search results) one call returns.</summary>
    public int MaxResults { get; set; } = 200;

    /// <summary>Messages one call returns when the model does not say.</summary>
    public int DefaultMaxResults { get; set; } = 50;

    /// <summary>Each message's text is cut at this many characters.</summary>
    public int MaxMessageChars { get; set; } = 4000;

    /// <summary>Longest message the post tools send (at most Slack's own 40,000).</summary>
    public int MaxPostChars { get; set; } = 4000;

    /// <summary>Whether a post may mention <c>@channel</c>, <c>@here</c>, <c>@everyone</c> or a user group.</summary>
    public bool AllowBroadcastMentions { get; set; }

    /// <summary>Most user names kept (users.info answers are cached for the process's life).</summary>
    internal int MaxCachedUsers { get; set; } = 2000;

    /// <summary>Most conversations.list pages read to resolve #names (200 channels a page).</summary>
    internal int MaxChannelPages { get; set; } = 50;

    public bool Enabled => BotToken is not null || UserToken is not null;

    public bool CanSearch => UserToken is not null;

    /// <summary>The token reads and posts use: the bot's when set, else the user's.</summary>
    internal SlackTokenKind ReadToken => BotToken is not null ? SlackTokenKind.Bot : SlackTokenKind.User;

    /// <summary>The setting that holds a token, as "fix this" messages name it.</summary>
    internal static string TokenSetting(SlackTokenKind kind) => kind == SlackTokenKind.Bot
        ? $"{BotTokenEnvironment} (Slack:BotToken)"
        : $"{UserTokenEnvironment} (Slack:UserToken)";

    /// <summary>Never prints a credential.</summary>
    public override string ToString() =>
        $"SlackOptions {{ BaseUrl = {BaseUrl}, BotToken = {(BotToken is null ? "unset" : "set")}, UserToken = {(UserToken is null ? "unset" : "set")}, Channels = {Channels.Count} }}";

    /// <summary>Whether the configuration turns Slack on (a token is set), before the options are bound.</summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration["Slack:BotToken"]) || !string.IsNullOrWhiteSpace(configuration["Slack:UserToken"]);
    }

    internal void Complete(IConfigurationSection section)
    {
        BotToken = Blank(BotToken);
        UserToken = Blank(UserToken);
        Channels = SettingList.Parse(section, nameof(Channels)) ?? [];
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Which configured token a request carries.</summary>
public enum SlackTokenKind
{
    Bot,
    User,
}

/// <summary>Start-up checks of <see cref="SlackOptions"/>: every problem names the setting to fix.</summary>
public sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var problems = new List<string>();
        if (options.BaseUrl is not { IsAbsoluteUri: true } url || !string.IsNullOrEmpty(url.UserInfo) || !string.IsNullOrEmpty(url.Query)
            || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
        {
            problems.Add("Slack:BaseUrl must be an https URL without credentials or query (http only to a loopback address), e.g. " + SlackOptions.DefaultBaseUrl + ".");
        }

        foreach ((string setting, string? token) in new[]
        {
            (SlackOptions.TokenSetting(SlackTokenKind.Bot), options.BotToken), (SlackOptions.TokenSetting(SlackTokenKind.User), options.UserToken),
        })
        {
            if (token is not null && !token.All(c => c is > ' ' and <= '~'))
            {
                problems.Add($"{setting} must be one Slack token (printable characters, no spaces or line breaks).");
            }
        }

        if (options.Channels.Count == 0)
        {
            problems.Add("Slack:Channels must list the channels the tools may use: ids such as C0123ABCD or names such as #release, comma-separated.");
        }

        foreach (string channel in options.Channels.Where(c => !SlackChannelName.IsId(c) && !SlackChannelName.IsName(c)))
        {
            problems.Add($"Slack:Channels: '{Shared.Text.TextHygiene.CleanAndTruncate(channel, 90)}' is neither a channel id (C0123ABCD) nor a #name (lower-case letters, digits, '-', '_').");
        }

        if (options.MaxResults is < 1 or > 1000)
        {
            problems.Add("Slack:MaxResults must be between 1 and 1000.");
        }

        if (options.DefaultMaxResults < 1 || options.DefaultMaxResults > options.MaxResults)
        {
            problems.Add("Slack:DefaultMaxResults must be between 1 and Slack:MaxResults.");
        }

        if (options.MaxMessageChars is < 100 or > SlackOptions.SlackTextLimit)
        {
            problems.Add("Slack:MaxMessageChars must be between 100 and 40000.");
        }

        if (options.MaxPostChars is < 1 or > SlackOptions.SlackTextLimit)
        {
            problems.Add("Slack:MaxPostChars must be between 1 and 40000 (Slack's own limit).");
        }

        if (problems.Count > 0)
        {
            problems.Add("Run mcp-communication --help for the settings.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

public static class SlackOptionsServiceCollectionExtensions
{
    /// <summary>Section <c>Slack</c> into <see cref="SlackOptions"/>, checked at start (only when a token turns Slack on).</summary>
    public static IServiceCollection AddSlackOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(SlackOptions.Section);
        services.AddSettings<SlackOptions>(configuration, SlackOptions.Section, new SlackOptionsValidator()).Bind(section)
            .PostConfigure(o => o.Complete(section));
        return services;
    }
}

using System.Text.RegularExpressions;

namespace McpServers.Communication.Slack;

/// <summary>The shapes of Slack identifiers this server accepts: channel ids, #names, user ids and message time stamps.</summary>
public static partial class SlackChannelName
{
    public const string ChannelPattern = "^(#?[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{6,20})$";
    public const string UserPattern = "^[UW][A-Z0-9]{6,20}$";
    public const string TsPattern = "^[0-9]{9,11}\\.[0-9]{6}$";

    /// <summary>A conversation id: C… (channel), G… (private channel or group), D… (direct message).</summary>
    public static bool IsId(string value) => value is not null && Id().IsMatch(value);

    /// <summary>A #name as Slack writes channel names: lower-case letters, digits, '-', '_', '.', at most 80 characters.</summary>
    public static bool IsName(string value) => value is not null && Name().IsMatch(value);

    public static bool IsUserId(string value) => value is not null && User().IsMatch(value);

    public static bool IsTs(string value) => value is not null && Ts().IsMatch(value);

    /// <summary>The name without its '#'.</summary>
    public static string Bare(string name) => name.TrimStart('#');

    [GeneratedRegex("^[CGD][A-Z0-9]{6,20}$")]
    private static partial Regex Id();

    [GeneratedRegex("^#?[a-z0-9][a-z0-9._-]{0,79}$")]
    private static partial Regex Name();

    [GeneratedRegex(UserPattern)]
    private static partial Regex User();

    [GeneratedRegex(TsPattern)]
    private static partial Regex Ts();
}

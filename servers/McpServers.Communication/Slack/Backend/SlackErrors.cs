using System.Globalization;
using McpServers.Shared.Errors;

namespace McpServers.Communication.Slack.Backend;

/// <summary>
/// Slack's <c>ok: false</c> error codes in this server's words: what the model can fix is a <see cref="ToolInputException"/>,
/// what an administrator must fix names the setting or the Slack app scope. The code itself is read as data: only codes
/// shaped like Slack's (lower-case letters and underscores) are ever repeated.
/// </summary>
internal static class SlackErrors
{
    /// <summary>The error code if it looks like one, else <c>unknown_error</c>.</summary>
    public static string Code(string? error) =>
        error is { Length: > 0 and <= 60 } && error.All(c => c is (>= 'a' and <= 'z') or '_' or (>= '0' and <= '9')) ? error : "unknown_error";

    public static Exception Map(string code, string? needed, string? provided, SlackTokenKind token, TimeSpan? retryAfter)
    {
        string tokenSetting = SlackOptions.TokenSetting(token);
        string kind = token == SlackTokenKind.Bot ? "bot" : "user";
        return code switch
        {
            "not_authed" or "invalid_auth" or "token_revoked" or "token_expired" or "account_inactive" or "no_permission" or "org_login_required"
                or "ekm_access_denied" or "two_factor_setup_required" or "team_access_not_granted" =>
                new BackendException(BackendErrorKind.Unauthorized,
                    $"Slack did not accept the {kind} token ({code}): it may be wrong, revoked, or its app uninstalled. An administrator must check {tokenSetting}."),
            "missing_scope" => new BackendException(BackendErrorKind.Forbidden, MissingScope(kind, tokenSetting, needed, provided)),
            "not_allowed_token_type" => new BackendException(BackendErrorKind.Forbidden,
                $"Slack does not accept a {kind} token for this method; it needs a {(token == SlackTokenKind.Bot ? "user" : "bot")} token. An administrator must set {SlackOptions.TokenSetting(token == SlackTokenKind.Bot ? SlackTokenKind.User : SlackTokenKind.Bot)}."),
            "channel_not_found" => new BackendException(BackendErrorKind.NotFound,
                "Slack has no such channel, or the token cannot see it (a private channel must have the app invited)."),
            "not_in_channel" => new BackendException(BackendErrorKind.Forbidden,
                "The Slack app is not a member of this channel: someone in the channel must invite it (/invite @the-app) before it can read or post there."),
            "is_archived" => new BackendException(BackendErrorKind.Conflict, "The channel is archived: nothing can be posted to it until someone unarchives it."),
            "msg_too_long" => new ToolInputException($"Slack refused the message as too long; keep `text` under {SlackOptions.SlackTextLimit} characters."),
            "no_text" => new ToolInputException("Slack refused an empty message; `text` must have visible content."),
            "thread_not_found" or "message_not_found" => new BackendException(BackendErrorKind.NotFound,
                "Slack has no message with that ts in this channel; take the ts of a message from slack_read_channel."),
            "invalid_cursor" => new ToolInputException("Slack no longer accepts that cursor; repeat the call without `cursor` to start from the first page."),
            "invalid_ts_latest" or "invalid_ts_oldest" or "invalid_ts" => new ToolInputException("Slack refused a time stamp; check `oldest`, `latest` or `thread_ts`."),
            "restricted_action" or "restricted_action_read_only_channel" or "restricted_action_thread_only_channel" or "restricted_action_non_threadable_channel"
                or "cannot_reply_to_message" or "posting_to_general_channel_denied" or "team_not_found" =>
                new BackendException(BackendErrorKind.Forbidden, $"The workspace's settings do not let this token do that here ({code})."),
            "ratelimited" or "rate_limited" => new BackendException(BackendErrorKind.RateLimited, string.Create(CultureInfo.InvariantCulture,
                $"Slack is rate-limiting this method; try again in {Math.Max(1, (int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(30)).TotalSeconds))} s."), null, retryAfter ?? TimeSpan.FromSeconds(30)),
            "fatal_error" or "internal_error" or "service_unavailable" or "request_timeout" =>
                new BackendException(BackendErrorKind.Unavailable, $"Slack is unavailable at the moment ({code}); try again later."),
            _ => new BackendException(BackendErrorKind.Invalid, $"Slack refused the request ({code})."),
        };
    }

    /// <summary>missing_scope names the scope the method needs and those the token has; only scope-shaped names are repeated.</summary>
    private static string MissingScope(string kind, string tokenSetting, string? needed, string? provided)
    {
        string need = Scopes(needed);
        string has = Scopes(provided);
        return $"The Slack {kind} token lacks the scope {(need.Length > 0 ? need : "this method needs")}{(has.Length > 0 ? $" (it has: {has})" : "")}. " +
            $"An administrator must add it to the Slack app's {(kind == "bot" ? "Bot" : "User")} Token Scopes, reinstall the app, and update {tokenSetting}.";
    }

    private static string Scopes(string? scopes) =>
        string.Join(",", (scopes ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.Length <= 60 && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is ':' or '.' or '_' or '-'))
            .Take(20));
}

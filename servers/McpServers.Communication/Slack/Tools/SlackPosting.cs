using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using McpServers.Communication.Guards;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Communication.Slack.Tools;

/// <summary>
/// What slack_post_message and slack_reply_in_thread share. The same checks run for the preview (before a human is
/// asked: allowed channel, text length, broadcast mentions, the thread exists, send caps) and again in the tool, which
/// then counts the send (<see cref="SendGuard.ReserveAsync"/>), posts once, and writes the audit facts.
/// </summary>
internal static partial class SlackPosting
{
    /// <summary>The preview shows the text up to this many characters, with the total length.</summary>
    public const int PreviewChars = 3000;

    /// <summary>A checked post: where, what, and (for a reply) whose thread.</summary>
    public sealed record Plan(AllowedChannel Channel, string Text, string? ThreadTs, string? ThreadStarter);

    public static async Task<Plan> CheckAsync(SlackGateway slack, string? channel, string? text, string? threadTs, CancellationToken cancellationToken)
    {
        string body = TextHygiene.Clean(text ?? "").Trim();
        if (body.Length == 0)
        {
            throw new ToolInputException("`text` must have visible content.");
        }

        if (body.Length > slack.Options.MaxPostChars)
        {
            throw new ToolInputException(string.Create(CultureInfo.InvariantCulture,
                $"`text` is {body.Length} characters; the administrator's limit is {slack.Options.MaxPostChars} (Slack:MaxPostChars). Shorten it."));
        }

        if (!slack.Options.AllowBroadcastMentions && Broadcast().Match(body) is { Success: true } mention)
        {
            throw new ToolInputException(
                $"`text` mentions {ConfirmationPreview.Value(mention.Value)}, which notifies everyone in the channel (or a whole group); the administrator has not allowed that (Slack:AllowBroadcastMentions). Remove the mention.");
        }

        AllowedChannel allowed = await slack.Directory.ResolveAsync(channel ?? "", "channel", cancellationToken);
        string? starter = null;
        if (threadTs is not null)
        {
            if (!SlackChannelName.IsTs(threadTs))
            {
                throw new ToolInputException("`thread_ts` must be a message ts such as 1764493200.000100.");
            }

            // The thread must exist in this channel: Slack would otherwise post a new top-level message for some ts values.
            SlackMessagePage thread = await slack.RepliesAsync(allowed, threadTs, 1, null, cancellationToken);
            SlackMessage first = thread.Messages.FirstOrDefault(m => m.Ts == threadTs)
                ?? throw new ToolInputException($"`thread_ts`: no message {threadTs} in {allowed.Label}; take the ts of a message from slack_read_channel.");
            starter = $"{first.Author} at {first.Time}";
        }

        return new Plan(allowed, body, threadTs, starter);
    }

    public static async ValueTask<ConfirmationPreview> PreviewAsync(SlackGateway slack, SendGuard guard, string tool,
        IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        Plan plan = await CheckAsync(slack, SlackTooling.Text(arguments, "channel"), SlackTooling.Text(arguments, "text"),
            SlackTooling.Text(arguments, "thread_ts"), cancellationToken);
        guard.CheckCaps(tool);
        var preview = new StringBuilder(plan.ThreadTs is null ? "Post a message to Slack" : "Reply in a Slack thread")
            .Append(slack.Options.ReadToken == SlackTokenKind.Bot ? " as the Slack app (bot):" : " as the signed-in Slack user:")
            .Append("\n- channel: ").Append(ConfirmationPreview.Value(plan.Channel.Label));
        if (plan.ThreadTs is not null)
        {
            preview.Append("\n- in the thread of: ").Append(ConfirmationPreview.Value(plan.ThreadStarter)).Append(" (ts ").Append(plan.ThreadTs).Append(')');
        }

        string shown = plan.Text.Length > PreviewChars ? TextHygiene.Truncate(plan.Text, PreviewChars) : plan.Text;
        preview.Append(CultureInfo.InvariantCulture, $"\n- text ({plan.Text.Length} characters{(shown.Length < plan.Text.Length ? $", first {PreviewChars - 1} shown" : "")}): ")
            .Append(ConfirmationPreview.Value(shown));
        return new ConfirmationPreview(preview.ToString());
    }

    public static async Task<CallToolResult> PostAsync(SlackGateway slack, SendGuard guard, ServerJson json, MessageContext context, string tool,
        string channel, string text, string? threadTs, CancellationToken cancellationToken)
    {
        Plan plan = await CheckAsync(slack, channel, text, threadTs, cancellationToken);
        SendReservation reservation = await guard.ReserveAsync(tool, cancellationToken);
        string ts;
        string? permalink;
        try
        {
            (ts, permalink) = await slack.PostAsync(plan.Channel, plan.Text, plan.ThreadTs, cancellationToken);
        }
        catch (Exception e) when (e is ToolInputException or BackendException { Kind: not (BackendErrorKind.TimedOut or BackendErrorKind.Unavailable) })
        {
            // Slack answered and refused (ok:false, or 4xx/429): nothing was posted, so the send is not counted. A timeout or
            // a 5xx may still have posted, so it stays counted.
            await reservation.ReleaseAsync(CancellationToken.None);
            throw;
        }

        guard.AuditSent(context, tool, [plan.Channel.Label], ts, Encoding.UTF8.GetByteCount(plan.Text));
        string message = plan.ThreadTs is null
            ? $"Posted to {plan.Channel.Label} (ts {ts})."
            : $"Replied in thread {plan.ThreadTs} in {plan.Channel.Label} (ts {ts}).";
        return ToolResult.Create(new PostOutput(plan.Channel.Id, plan.Channel.Name is null ? null : "#" + plan.Channel.Name, ts, plan.ThreadTs, permalink,
            plan.Text.Length, message), permalink is null ? message : $"{message} {permalink}", json);
    }

    /// <summary>&lt;!here&gt;, &lt;!channel&gt;, &lt;!everyone&gt;, user groups (&lt;!subteam^…&gt;), and the plain words Slack may also turn into them.</summary>
    [GeneratedRegex("<!(?:here|channel|everyone|subteam\\^)[^>]*>|(?<![\\p{L}\\p{N}_.])@(?:here|channel|everyone)\\b", RegexOptions.IgnoreCase)]
    private static partial Regex Broadcast();
}

/// <summary>A posted message: where, its ts (its id), the thread it answers, and its link when Slack gave one.</summary>
public sealed record PostOutput(string ChannelId, string? Channel, string Ts, string? ThreadTs, string? Permalink, int Characters, string Message);

using System.Globalization;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Text;

namespace McpServers.Communication.Slack.Tools;

/// <summary>What the Slack tools do the same way: page sizes under the administrator's caps, signed cursors, the page text.</summary>
internal static class SlackTooling
{
    public const string ChannelDescription = "The channel: its id (C0123ABCD) or #name, one of those slack_list_channels lists.";
    public const string DatePattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

    public static int PageSize(SlackOptions options, int? requested) => Math.Min(requested ?? options.DefaultMaxResults, options.MaxResults);

    /// <summary>The Slack cursor inside the model's cursor (signed: the model cannot forge or move one to another query).</summary>
    public static string? Cursor(string scope, string? cursor) => cursor is null ? null : OpaqueCursor.Decode(scope, cursor);

    public static string? NextCursor(string scope, string? slackCursor) => slackCursor is null ? null : OpaqueCursor.Encode(scope, slackCursor);

    /// <summary>The messages, one block each, then how many, the order, and the truncation notice with the cursor.</summary>
    public static (string Text, string? Notice) Render(string header, IReadOnlyList<SlackMessage> messages, string order, string? nextCursor,
        int pageSize, bool withChannel = false, string? extra = null)
    {
        var text = new StringBuilder(header).Append('\n');
        foreach (SlackMessage m in messages)
        {
            text.Append(SlackGateway.Line(m, withChannel)).Append('\n');
        }

        text.Append(messages.Count == 0 ? "No messages." : string.Create(CultureInfo.InvariantCulture, $"({messages.Count} message{(messages.Count == 1 ? "" : "s")}, {order})"));
        if (extra is not null)
        {
            text.Append(' ').Append(extra);
        }

        string? notice = nextCursor is null ? null
            : Truncation.Cut(messages.Count, null, nextCursor, string.Create(CultureInfo.InvariantCulture, $"page size {pageSize}")).Notice();
        if (notice is not null)
        {
            text.Append(' ').Append(notice).Append("\nnext_cursor: ").Append(nextCursor);
        }

        return (text.ToString(), notice);
    }

    /// <summary>A string argument as validated against the schema, or null when absent or null.</summary>
    public static string? Text(IReadOnlyDictionary<string, JsonElement> arguments, string name)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return arguments.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}

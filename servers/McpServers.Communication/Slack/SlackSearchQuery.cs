using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;

namespace McpServers.Communication.Slack;

/// <summary>
/// Builds the search.messages query from structured inputs only. The model's words are data: each becomes a quoted
/// term, with quotes, colons, angle brackets and wildcards taken out, so no value can add a modifier (<c>in:</c>,
/// <c>from:</c>, <c>-</c>, <c>after:</c>…) or widen the search. The modifiers come only from checked values: a channel
/// name or id, a user id, dates.
/// </summary>
public static partial class SlackSearchQuery
{
    public const int MaxTerms = 20;
    public const int MaxTermChars = 100;

    /// <summary>The query text; throws <see cref="ToolInputException"/> when nothing is left to search for.</summary>
    /// <param name="channel">The allowed channel to search in: its name when known (matches the channel-name shape), else its id.</param>
    public static string Build(string? words, AllowedChannel? channel, string? fromUserId, DateOnly? after, DateOnly? before)
    {
        var query = new StringBuilder();
        foreach (string term in Terms(words))
        {
            query.Append('"').Append(term).Append("\" ");
        }

        if (channel is not null)
        {
            query.Append(channel.Name is { } name && SlackChannelName.IsName(name) ? $"in:#{name} " : $"in:<#{Checked(channel.Id, SlackChannelName.IsId)}> ");
        }

        if (fromUserId is not null)
        {
            query.Append("from:<@").Append(Checked(fromUserId, SlackChannelName.IsUserId)).Append("> ");
        }

        if (after is { } a)
        {
            query.Append("after:").Append(a.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(' ');
        }

        if (before is { } b)
        {
            query.Append("before:").Append(b.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(' ');
        }

        string text = query.ToString().Trim();
        return text.Length > 0 ? text
            : throw new ToolInputException("`query` must hold at least one word to search for, or give `in_channel`, `from_user`, `after` or `before`.");
    }

    /// <summary>The words as plain terms: split at spaces and at every character that has a meaning in Slack's search syntax.</summary>
    public static IReadOnlyList<string> Terms(string? words) =>
        [.. Separators().Split(TextHygiene.Clean(words ?? ""))
            .Select(t => t.Trim('-', '+', '.', ',', ';', '!', '?'))
            .Where(t => t.Length > 0)
            .Select(t => TextHygiene.Truncate(t, MaxTermChars).TrimEnd('…'))
            .Take(MaxTerms)];

    private static string Checked(string value, Func<string, bool> shape) =>
        shape(value) ? value : throw new ToolInputException("A search filter is not a Slack id.");

    [GeneratedRegex("[\\s\"“”„:<>*()\\[\\]{}|\\\\`]+")]
    private static partial Regex Separators();
}

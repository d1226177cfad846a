using System.Text;
using System.Text.RegularExpressions;
using McpServers.Shared.Text;

namespace McpServers.Communication.Slack;

/// <summary>
/// Slack's mrkdwn as plain Markdown, for the model to read: <c>&lt;@U123&gt;</c> → @display name, <c>&lt;#C123|name&gt;</c> →
/// #name, <c>&lt;https://x|label&gt;</c> → [label](https://x), <c>&lt;!here&gt;</c> → @here, <c>*bold*</c> → **bold**,
/// <c>_italic_</c> → *italic*, <c>~strike~</c> → ~~strike~~; code spans and blocks kept as they are; the entities Slack
/// escapes (&amp;amp; &amp;lt; &amp;gt;) decoded; control and bidi characters removed (Slack "Formatting text for app surfaces").
/// </summary>
public static partial class SlackMrkdwn
{
    /// <summary>The user ids a text mentions, for looking up their names before <see cref="Render"/>.</summary>
    public static IEnumerable<string> MentionedUsers(string? text) =>
        string.IsNullOrEmpty(text) ? [] : UserMention().Matches(text).Select(m => m.Groups[1].Value);

    /// <summary>Renders <paramref name="text"/>; <paramref name="userName"/> and <paramref name="channelName"/> name ids (null: unknown).</summary>
    public static string Render(string? text, Func<string, string?> userName, Func<string, string?> channelName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(channelName);
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var output = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            // Code blocks and spans are kept verbatim (only the entities decoded): nothing inside them is formatting.
            if (string.CompareOrdinal(text, i, "```", 0, 3) == 0 && text.IndexOf("```", i + 3, StringComparison.Ordinal) is int blockEnd and > 0)
            {
                string inner = text[(i + 3)..blockEnd];
                output.Append("```").Append(inner.StartsWith('\n') ? "" : "\n").Append(Decode(inner)).Append(inner.EndsWith('\n') ? "" : "\n").Append("```");
                i = blockEnd + 3;
                continue;
            }

            if (text[i] == '`' && text.IndexOf('`', i + 1) is int spanEnd and > 0 && text.AsSpan(i, spanEnd - i).IndexOf('\n') < 0)
            {
                output.Append('`').Append(Decode(text[(i + 1)..spanEnd])).Append('`');
                i = spanEnd + 1;
                continue;
            }

            // Up to the next backtick (a lone one at i is prose).
            int next = text.IndexOf('`', i + 1) is int tick and > 0 ? tick : text.Length;
            output.Append(Prose(text[i..next], userName, channelName));
            i = next;
        }

        return TextHygiene.Clean(output.ToString());
    }

    /// <summary>Text outside code: the &lt;…&gt; tokens replaced, emphasis converted in the runs between them, entities decoded.</summary>
    private static string Prose(string text, Func<string, string?> userName, Func<string, string?> channelName)
    {
        var output = new StringBuilder(text.Length);
        int last = 0;
        foreach (Match token in AngleToken().Matches(text))
        {
            output.Append(Emphasis(text[last..token.Index])).Append(Token(token.Groups[1].Value, userName, channelName));
            last = token.Index + token.Length;
        }

        return output.Append(Emphasis(text[last..])).ToString();
    }

    private static string Token(string body, Func<string, string?> userName, Func<string, string?> channelName)
    {
        int bar = body.IndexOf('|', StringComparison.Ordinal);
        string target = bar < 0 ? body : body[..bar];
        string? label = bar < 0 ? null : Decode(body[(bar + 1)..]);
        switch (target)
        {
            case ['@', ..]:
                string user = target[1..];
                return "@" + (userName(user) ?? label?.TrimStart('@') ?? user);
            case ['#', ..]:
                string channel = target[1..];
                return "#" + (channelName(channel) ?? (string.IsNullOrEmpty(label) ? channel : label.TrimStart('#')));
            case ['!', ..]:
                string special = target[1..];
                return special switch
                {
                    "here" or "channel" or "everyone" => "@" + special,
                    _ when special.StartsWith("subteam^", StringComparison.Ordinal) => label is { Length: > 0 } ? "@" + label.TrimStart('@') : "@group",
                    _ => label ?? special,
                };
            default:
                string url = Decode(target);
                if (url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
                {
                    return label is { Length: > 0 } ? $"[{Escape(label)}]({LinkTarget(url)})" : url["mailto:".Length..];
                }

                if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? link) || link.Scheme is not ("http" or "https"))
                {
                    return label ?? url;
                }

                return label is { Length: > 0 } && label != url ? $"[{Escape(label)}]({LinkTarget(url)})" : $"<{LinkTarget(url)}>";
        }
    }

    /// <summary>*bold*, _italic_ and ~strike~ where Slack reads them: at word edges, not across lines; nested emphasis too.</summary>
    private static string Emphasis(string text) => Decode(EmphasisSpan().Replace(text, Convert));

    private static string Convert(Match m)
    {
        string inner = EmphasisSpan().Replace(m.Groups[2].Value, Convert);
        return m.Groups[1].Value switch
        {
            "*" => "**" + inner + "**",
            "_" => "*" + inner + "*",
            _ => "~~" + inner + "~~",
        };
    }

    private static string Decode(string text) =>
        text.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);

    private static string Escape(string label) =>
        label.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal)
            .ReplaceLineEndings(" ");

    /// <summary>A link target Markdown cannot misread: spaces and parentheses percent-encoded.</summary>
    private static string LinkTarget(string url) =>
        url.Replace(" ", "%20", StringComparison.Ordinal).Replace("(", "%28", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal)
            .Replace("<", "%3C", StringComparison.Ordinal).Replace(">", "%3E", StringComparison.Ordinal);

    [GeneratedRegex("<@([UW][A-Z0-9]{2,30})(?:\\|[^>]*)?>")]
    private static partial Regex UserMention();

    [GeneratedRegex("<([@#!][^<>\\s|]{1,200}(?:\\|[^<>\\n]{0,500})?|(?:https?|mailto|[a-z][a-z0-9+.-]{1,20}):[^<>\\s|]{1,3000}(?:\\|[^<>\\n]{0,500})?)>")]
    private static partial Regex AngleToken();

    [GeneratedRegex("(?<![\\p{L}\\p{N}*_~])([*_~])(?=\\S)([^\\n]*?[^\\s])\\1(?![\\p{L}\\p{N}])")]
    private static partial Regex EmphasisSpan();
}

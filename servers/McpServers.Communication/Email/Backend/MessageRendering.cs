using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MailKit;
using McpServers.Shared.Text;
using MimeKit;

namespace McpServers.Communication.Email.Backend;

/// <summary>An attachment as listed (never fetched): its name, type and approximate decoded size.</summary>
public sealed record AttachmentInfo(string Name, string ContentType, long SizeBytes);

/// <summary>A body as the model reads it: Markdown-ish text, where it came from, and whether it was cut.</summary>
/// <param name="Text">The text, cleaned, quotes folded, capped.</param>
/// <param name="Source">text/plain, text/html or none.</param>
/// <param name="Truncated">Whether the cap cut it.</param>
/// <param name="Notice">Why it is incomplete, when it is.</param>
public sealed record RenderedBody(string Text, string Source, bool Truncated, string? Notice);

/// <summary>
/// Turns mail into text the model reads: text/plain preferred, else HTML converted to Markdown (the shared
/// <see cref="HtmlText"/>), quoted replies folded to one marker line, control and bidi characters stripped, cut at
/// <c>Email:MaxMessageChars</c>. Mail text is data: nothing here acts on it.
/// </summary>
public static partial class MessageRendering
{
    public const string CapSetting = "Email:MaxMessageChars";

    /// <summary>The body from its text/plain part, else its text/html part.</summary>
    public static RenderedBody Body(TextPart? plain, TextPart? html, int maxChars)
    {
        string source;
        string text;
        if (plain is not null)
        {
            source = "text/plain";
            text = plain.Text ?? string.Empty;
        }
        else if (html is not null)
        {
            source = "text/html";
            // Generous room: folding quotes shrinks the text before the real cap applies.
            var output = new MarkdownOutput(Math.Max(maxChars, maxChars * 4), CapSetting);
            HtmlText.Extract(html.Text ?? string.Empty, output);
            text = output.Finish().Markdown;
        }
        else
        {
            return new RenderedBody(string.Empty, "none", false, "The message has no text body.");
        }

        string folded = FoldQuotes(TextHygiene.Clean(text.ReplaceLineEndings("\n"))).Trim();
        if (folded.Length <= maxChars)
        {
            return new RenderedBody(folded, source, false, null);
        }

        return new RenderedBody(TextHygiene.Truncate(folded, maxChars), source, true,
            string.Create(CultureInfo.InvariantCulture, $"The body was cut at {maxChars} of {folded.Length} characters ({CapSetting})."));
    }

    /// <summary>
    /// Collapses each block of quoted lines (starting with "&gt;"), with the "On … wrote:" line that introduces it, and
    /// everything after an "-----Original Message-----" line, to one marker line. Signatures stay.
    /// </summary>
    public static string FoldQuotes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] lines = text.Split('\n');
        var output = new List<string>(lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            if (OriginalMessage().IsMatch(lines[i]))
            {
                output.Add(Marker("original message folded", lines.Length - i));
                break;
            }

            if (!IsQuoted(lines[i]))
            {
                output.Add(lines[i]);
                continue;
            }

            int end = i;
            int quoted = 0;
            while (end < lines.Length && (IsQuoted(lines[end]) || (lines[end].Trim().Length == 0 && end + 1 < lines.Length && IsQuoted(lines[end + 1]))))
            {
                quoted += IsQuoted(lines[end]) ? 1 : 0;
                end++;
            }

            DropAttribution(output);
            output.Add(Marker("quoted text folded", quoted));
            i = end - 1;
        }

        return string.Join('\n', output);
    }

    /// <summary>Attachments from the message's BODYSTRUCTURE: name, type and size (the size of base64 content is decoded, approximately).</summary>
    public static IReadOnlyList<AttachmentInfo> Attachments(IEnumerable<BodyPartBasic> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return [.. parts.Select(part => new AttachmentInfo(
            TextHygiene.CleanAndTruncate((part.FileName ?? part.ContentType?.Name ?? "(unnamed)").ReplaceLineEndings(" "), 255),
            TextHygiene.CleanAndTruncate(part.ContentType?.MimeType ?? "application/octet-stream", 127),
            string.Equals(part.ContentTransferEncoding, "base64", StringComparison.OrdinalIgnoreCase) ? (long)part.Octets * 57 / 78 : part.Octets))];
    }

    /// <summary>A one-line preview of at most <paramref name="maxChars"/> characters.</summary>
    public static string Snippet(string? preview, int maxChars = 200)
    {
        string line = string.Join(' ', TextHygiene.Clean(preview).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return TextHygiene.Truncate(line, maxChars);
    }

    /// <summary>Mail text (a subject, a display name) on one line, cleaned and capped.</summary>
    public static string Line(string? text, int maxChars = 998) =>
        TextHygiene.CleanAndTruncate((text ?? string.Empty).ReplaceLineEndings(" "), maxChars).Trim();

    /// <summary>An address list as text: <c>Name &lt;address&gt;</c> each, cleaned.</summary>
    public static IReadOnlyList<string> Addresses(InternetAddressList? list) =>
        list is null ? [] : [.. list.Mailboxes.Take(100).Select(m => Line(m.ToString(), 320))];

    private static bool IsQuoted(string line) => line.TrimStart().StartsWith('>');

    private static void DropAttribution(List<string> output)
    {
        int last = output.Count - 1;
        while (last >= 0 && output[last].Trim().Length == 0)
        {
            last--;
        }

        if (last < 0 || !Attribution().IsMatch(output[last]))
        {
            return;
        }

        // "On Mon, 1 Dec 2026 at 10:00, Dana <dana@example.com>" may end on the line before "wrote:".
        int first = last;
        if (!Introduction().IsMatch(output[last]) && last > 0 && Introduction().IsMatch(output[last - 1]))
        {
            first = last - 1;
        }

        output.RemoveRange(first, output.Count - first);
    }

    private static string Marker(string what, int lines) =>
        string.Create(CultureInfo.InvariantCulture, $"[{what}: {lines} line{(lines == 1 ? "" : "s")}]");

    [GeneratedRegex(@"(wrote|schrieb|a écrit|escribió|scritto|schreef)\s*:\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 100)]
    private static partial Regex Attribution();

    [GeneratedRegex(@"^\s*(On|Am|Le|El|Il|Op)\s", RegexOptions.CultureInvariant, 100)]
    private static partial Regex Introduction();

    [GeneratedRegex(@"^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine)\s*-{2,}\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 100)]
    private static partial Regex OriginalMessage();
}

using System.Globalization;
using System.Text;

namespace McpServers.Shared.Text;

/// <summary>
/// Text read from a backend is data, not instructions. Stripping control and bidirectional-override characters
/// stops hidden text (Trojan Source style reordering, terminal escapes, zero-width tricks) from reaching the model.
/// </summary>
public static class TextHygiene
{
    /// <summary>Removes control characters (keeping tab and line breaks), bidi controls and zero-width characters.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        int i = 0;
        while (i < text.Length && IsAllowed(text[i]))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            if (IsAllowed(text[i]))
            {
                sb.Append(text[i]);
            }
        }

        return sb.ToString();
    }

    /// <summary>Cleans and cuts to at most <paramref name="maxChars"/> characters, marking the cut with an ellipsis.</summary>
    public static string CleanAndTruncate(string? text, int maxChars)
    {
        string cleaned = Clean(text);
        return Truncate(cleaned, maxChars);
    }

    /// <summary>Cuts to at most <paramref name="maxChars"/> characters without splitting a surrogate pair.</summary>
    public static string Truncate(string text, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 1);
        if (text.Length <= maxChars)
        {
            return text;
        }

        int cut = maxChars - 1;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return string.Concat(text.AsSpan(0, cut), "…");
    }

    private static bool IsAllowed(char c)
    {
        if (c is '\t' or '\n' or '\r')
        {
            return true;
        }

        // Bidi embeddings/overrides/isolates, marks, zero-width and BOM characters.
        if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C'
            or >= '\u200B' and <= '\u200D' or '\u2060' or '\uFEFF')
        {
            return false;
        }

        UnicodeCategory category = char.GetUnicodeCategory(c);
        return category is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned)
            || char.IsSurrogate(c);
    }
}

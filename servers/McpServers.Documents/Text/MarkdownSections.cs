namespace McpServers.Documents.Text;

/// <summary>
/// The ATX headings (<c># Title</c> … <c>###### Title</c>) of a Markdown text, outside fenced code blocks, and the
/// section each one starts: up to the next heading of the same or a higher level.
/// </summary>
public static class MarkdownSections
{
    public static IReadOnlyList<MarkdownHeading> Headings(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var headings = new List<MarkdownHeading>();
        string? fence = null;
        int start = 0;
        while (start < markdown.Length)
        {
            int end = markdown.IndexOf('\n', start);
            int lineEnd = end < 0 ? markdown.Length : end;
            ReadOnlySpan<char> line = markdown.AsSpan(start, lineEnd - start).TrimEnd('\r');
            ReadOnlySpan<char> trimmed = line.TrimStart(' ');
            int indent = line.Length - trimmed.Length;
            if (indent <= 3 && (trimmed.StartsWith("```") || trimmed.StartsWith("~~~")))
            {
                string marker = trimmed[..3].ToString();
                fence = fence is null ? marker : fence == marker ? null : fence;
            }
            else if (fence is null && indent <= 3 && Level(trimmed) is > 0 and var level)
            {
                string text = trimmed[level..].Trim().TrimEnd('#').Trim().ToString();
                headings.Add(new MarkdownHeading(level, text, start));
            }

            start = end < 0 ? markdown.Length : end + 1;
        }

        return headings;
    }

    /// <summary>The section under the first heading whose text is <paramref name="heading"/> (ignoring case and leading #), or null.</summary>
    public static (MarkdownHeading Heading, string Text)? Section(string markdown, string heading)
    {
        ArgumentNullException.ThrowIfNull(heading);
        IReadOnlyList<MarkdownHeading> headings = Headings(markdown);
        string wanted = heading.Trim().TrimStart('#').Trim();
        int index = -1;
        for (int i = 0; i < headings.Count && index < 0; i++)
        {
            if (string.Equals(headings[i].Text, wanted, StringComparison.OrdinalIgnoreCase))
            {
                index = i;
            }
        }

        if (index < 0)
        {
            return null;
        }

        MarkdownHeading found = headings[index];
        int end = markdown.Length;
        for (int i = index + 1; i < headings.Count; i++)
        {
            if (headings[i].Level <= found.Level)
            {
                end = headings[i].Offset;
                break;
            }
        }

        return (found, markdown[found.Offset..end].TrimEnd());
    }

    private static int Level(ReadOnlySpan<char> line)
    {
        int level = 0;
        while (level < line.Length && line[level] == '#')
        {
            level++;
        }

        return level is >= 1 and <= 6 && (level == line.Length || line[level] is ' ' or '\t') ? level : 0;
    }
}

/// <summary>A heading: its level (1–6), its text, and where its line starts in the Markdown.</summary>
public sealed record MarkdownHeading(int Level, string Text, int Offset);

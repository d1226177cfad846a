using System.Text;
namespace McpServers.Shared.Text;

/// <summary>
/// The Markdown being extracted, capped at <c>MaxChars</c>: every piece is cleaned of control and bidi characters
/// (document text is data, never instructions) and appending stops once the cap is reached, so extractors can
/// check <see cref="IsFull"/> and stop reading early.
/// </summary>
/// <param name="maxChars">The character cap.</param>
/// <param name="capSetting">The setting that sets the cap, named in the truncation reason (e.g. <c>Documents:MaxDocumentChars</c>).</param>
public sealed class MarkdownOutput(int maxChars, string capSetting)
{
    /// <summary>Rows read from one table (a CSV file, a sheet) at most; past it the rest is left out.</summary>
    public const int MaxTableRows = 5_000;

    /// <summary>Columns kept from one table row at most.</summary>
    public const int MaxTableColumns = 100;

    private readonly StringBuilder _text = new();
    private readonly List<string> _reasons = [];

    public bool IsFull { get; private set; }

    /// <summary>The setting named when the text is cut.</summary>
    public string CapSetting { get; } = capSetting;

    /// <summary>Characters that still fit under the cap.</summary>
    public int Room => maxChars - _text.Length;

    public static string TableRowsReason => $"read the first {MaxTableRows} rows of each table";

    /// <summary>Appends cleaned text, cutting it at the character cap.</summary>
    public void Append(string? value)
    {
        if (IsFull || string.IsNullOrEmpty(value))
        {
            return;
        }

        string clean = TextHygiene.Clean(value);
        int room = maxChars - _text.Length;
        if (clean.Length <= room)
        {
            _text.Append(clean);
            return;
        }

        int cut = room;
        if (cut > 0 && char.IsHighSurrogate(clean[cut - 1]))
        {
            cut--;
        }

        _text.Append(clean, 0, cut);
        IsFull = true;
        Stop($"cut at {maxChars} characters ({CapSetting})");
    }

    /// <summary>Ends the current block with a blank line (nothing at the very start).</summary>
    public void EndBlock()
    {
        if (_text.Length == 0 || IsFull)
        {
            return;
        }

        int newlines = 0;
        for (int i = _text.Length - 1; i >= 0 && _text[i] == '\n' && newlines < 2; i--)
        {
            newlines++;
        }

        Append(new string('\n', 2 - newlines));
    }

    /// <summary>A block of its own: a heading, a paragraph, a fenced code block.</summary>
    public void AppendBlock(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        EndBlock();
        Append(value);
        EndBlock();
    }

    /// <summary>A Markdown table, the first row as its header; cells are made single-line and their pipes escaped.</summary>
    public void AppendTable(IReadOnlyList<IReadOnlyList<string>> rows)
    {
        int columns = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        if (columns == 0)
        {
            return;
        }

        EndBlock();
        for (int r = 0; r < rows.Count && !IsFull; r++)
        {
            var line = new StringBuilder("|");
            for (int c = 0; c < columns; c++)
            {
                line.Append(' ').Append(c < rows[r].Count ? Cell(rows[r][c]) : string.Empty).Append(" |");
            }

            Append(line.Append('\n').ToString());
            if (r == 0)
            {
                Append(string.Concat(Enumerable.Repeat("| --- ", columns)) + "|\n");
            }
        }

        EndBlock();
    }

    /// <summary>Records why the extraction stopped early (a page, slide or row cap) without stopping the text.</summary>
    public void Stop(string reason)
    {
        if (!_reasons.Contains(reason))
        {
            _reasons.Add(reason);
        }
    }

    public MarkdownText Finish()
    {
        string markdown = _text.ToString().TrimEnd('\n');
        return new MarkdownText(markdown, _reasons.Count > 0, _reasons.Count > 0 ? string.Join("; ", _reasons) : null);
    }

    private static string Cell(string value) =>
        string.Join(' ', value.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Replace("|", "\\|", StringComparison.Ordinal);
}

/// <summary>Markdown made by <see cref="MarkdownOutput"/>, and why it stopped early when it did.</summary>
public sealed record MarkdownText(string Markdown, bool Truncated, string? TruncationReason);

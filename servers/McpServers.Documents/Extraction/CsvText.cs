using System.Text;
using McpServers.Shared.Text;

namespace McpServers.Documents.Extraction;

/// <summary>
/// CSV (RFC 4180: comma separated, double quotes around cells holding commas, quotes or line breaks, a doubled quote
/// for a quote) to one Markdown table, the first row as its header; read as a stream and stopped at the row cap or
/// once the cells would not fit under the character cap.
/// </summary>
internal static class CsvText
{
    public static async Task ExtractAsync(TextReader reader, MarkdownOutput output, CancellationToken cancellationToken)
    {
        var parser = new Parser(output.Room);
        char[] buffer = new char[16 * 1024];
        int read;
        while (!parser.Stopped && (read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            for (int i = 0; i < read && !parser.Stopped; i++)
            {
                parser.Take(buffer[i]);
            }
        }

        parser.End();
        if (parser.Rows.Count >= MarkdownOutput.MaxTableRows)
        {
            output.Stop(MarkdownOutput.TableRowsReason);
        }

        output.AppendTable(parser.Rows);
    }

    private sealed class Parser(int maxChars)
    {
        private readonly StringBuilder _cell = new();
        private List<string> _row = [];
        private bool _quoted;
        private bool _quoteSeen;
        private long _chars;

        public List<IReadOnlyList<string>> Rows { get; } = [];

        public bool Stopped { get; private set; }

        public void Take(char c)
        {
            if (_quoted)
            {
                if (_quoteSeen)
                {
                    _quoteSeen = false;
                    if (c == '"')
                    {
                        _cell.Append('"');
                        return;
                    }

                    _quoted = false;
                }
                else
                {
                    if (c == '"')
                    {
                        _quoteSeen = true;
                    }
                    else
                    {
                        _cell.Append(c);
                    }

                    return;
                }
            }

            switch (c)
            {
                case ',':
                    EndCell();
                    break;
                case '\n':
                    EndRow();
                    break;
                case '\r':
                    break;
                case '"' when _cell.Length == 0:
                    _quoted = true;
                    break;
                default:
                    _cell.Append(c);
                    break;
            }
        }

        public void End()
        {
            if (!Stopped && (_cell.Length > 0 || _row.Count > 0))
            {
                EndRow();
            }
        }

        private void EndCell()
        {
            if (_row.Count < MarkdownOutput.MaxTableColumns)
            {
                _chars += _cell.Length + 3;
                _row.Add(_cell.ToString());
            }

            _cell.Clear();
        }

        private void EndRow()
        {
            EndCell();
            if (_row.Count > 1 || _row[0].Length > 0)
            {
                Rows.Add(_row);
            }

            _row = [];
            Stopped = Rows.Count >= MarkdownOutput.MaxTableRows || _chars > maxChars;
        }
    }
}

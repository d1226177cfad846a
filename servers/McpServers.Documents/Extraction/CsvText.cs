using System.Text;

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
        private readonly StringBuilder cell = new();
        private List<string> row = [];
        private bool quoted;
        private bool quoteSeen;
        private long chars;

        public List<IReadOnlyList<string>> Rows { get; } = [];

        public bool Stopped { get; private set; }

        public void Take(char c)
        {
            if (quoted)
            {
                if (quoteSeen)
                {
                    quoteSeen = false;
                    if (c == '"')
                    {
                        cell.Append('"');
                        return;
                    }

                    quoted = false;
                }
                else
                {
                    if (c == '"')
                    {
                        quoteSeen = true;
                    }
                    else
                    {
                        cell.Append(c);
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
                case '"' when cell.Length == 0:
                    quoted = true;
                    break;
                default:
                    cell.Append(c);
                    break;
            }
        }

        public void End()
        {
            if (!Stopped && (cell.Length > 0 || row.Count > 0))
            {
                EndRow();
            }
        }

        private void EndCell()
        {
            if (row.Count < MarkdownOutput.MaxTableColumns)
            {
                chars += cell.Length + 3;
                row.Add(cell.ToString());
            }

            cell.Clear();
        }

        private void EndRow()
        {
            EndCell();
            if (row.Count > 1 || row[0].Length > 0)
            {
                Rows.Add(row);
            }

            row = [];
            Stopped = Rows.Count >= MarkdownOutput.MaxTableRows || chars > maxChars;
        }
    }
}

using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using McpServers.Shared.Text;

namespace McpServers.Documents.Extraction;

/// <summary>
/// Each worksheet as <c>## name</c> and a Markdown table (its first row as the header), rows streamed with the SDK's
/// reader and capped; shared and inline strings resolved, booleans as TRUE/FALSE, numbers and dates as stored
/// (dates stay Excel serial numbers), formulas as their cached value.
/// </summary>
internal static class XlsxText
{
    public static void Extract(SpreadsheetDocument document, MarkdownOutput output, CancellationToken cancellationToken)
    {
        WorkbookPart workbook = document.WorkbookPart ?? throw OfficeText.MissingMainPart("xlsx");
        if (workbook.Workbook?.Sheets is not { } sheets)
        {
            return;
        }

        string[] shared = workbook.SharedStringTablePart is { } strings ? SharedStrings(strings) : [];
        foreach (Sheet sheet in sheets.Elements<Sheet>())
        {
            if (output.IsFull)
            {
                return;
            }

            output.AppendBlock("## " + (sheet.Name?.Value ?? "Sheet"));
            if (sheet.Id?.Value is { } id && workbook.GetPartById(id) is WorksheetPart part)
            {
                output.AppendTable(Rows(part, shared, output, cancellationToken));
            }
        }
    }

    /// <summary>The shared strings, streamed one item at a time rather than loaded as one DOM.</summary>
    private static string[] SharedStrings(SharedStringTablePart part)
    {
        var strings = new List<string>();
        using OpenXmlReader reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType == typeof(SharedStringItem) && reader.IsStartElement)
            {
                strings.Add(ItemText(reader.LoadCurrentElement()!));
            }
        }

        return [.. strings];
    }

    private static List<IReadOnlyList<string>> Rows(WorksheetPart part, string[] shared, MarkdownOutput output, CancellationToken cancellationToken)
    {
        var rows = new List<IReadOnlyList<string>>();
        long chars = 0;
        using OpenXmlReader reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType != typeof(Row) || !reader.IsStartElement)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (rows.Count >= MarkdownOutput.MaxTableRows || chars > output.Room)
            {
                if (rows.Count >= MarkdownOutput.MaxTableRows)
                {
                    output.Stop(MarkdownOutput.TableRowsReason);
                }

                break;
            }

            var row = (Row)reader.LoadCurrentElement()!;
            var cells = new List<string>();
            foreach (Cell cell in row.Elements<Cell>())
            {
                int column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : cells.Count;
                if (column >= MarkdownOutput.MaxTableColumns)
                {
                    break;
                }

                while (cells.Count < column)
                {
                    cells.Add(string.Empty);
                }

                string value = CellText(cell, shared);
                chars += value.Length + 3;
                cells.Add(value);
            }

            rows.Add(cells);
        }

        return rows;
    }

    private static string CellText(Cell cell, string[] shared)
    {
        string raw = cell.CellValue?.Text ?? string.Empty;
        CellValues? type = cell.DataType?.Value;
        if (type == CellValues.SharedString)
        {
            return int.TryParse(raw, out int index) && index >= 0 && index < shared.Length ? shared[index] : string.Empty;
        }

        if (type == CellValues.InlineString)
        {
            return cell.InlineString is { } inline ? ItemText(inline) : string.Empty;
        }

        if (type == CellValues.Boolean)
        {
            return raw == "1" ? "TRUE" : "FALSE";
        }

        return raw;
    }

    /// <summary>A string item's text: its plain text, or its rich-text runs (phonetic guides left out).</summary>
    private static string ItemText(OpenXmlElement item) =>
        item.GetFirstChild<DocumentFormat.OpenXml.Spreadsheet.Text>()?.Text ?? string.Concat(item.Elements<Run>().Select(r => r.Text?.Text));

    /// <summary>"C7" → 2: the column letters of a cell reference, zero-based.</summary>
    private static int ColumnIndex(string reference)
    {
        int column = 0;
        foreach (char c in reference)
        {
            if (c is < 'A' or > 'Z')
            {
                break;
            }

            column = Math.Min(column * 26 + c - 'A' + 1, int.MaxValue / 32);
        }

        return Math.Max(0, column - 1);
    }
}

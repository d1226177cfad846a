using System.Globalization;
using System.Text;
using System.Text.Json;
using McpServers.Database.Backend;
using ModelContextProtocol.Protocol;

namespace McpServers.Database.Tools;

/// <summary>Rows as the result's structured content.</summary>
public sealed record RowsOutput(
    IReadOnlyList<ResultColumn> Columns,
    IReadOnlyList<IReadOnlyList<JsonElement>> Rows,
    int RowCount,
    bool Truncated,
    long? Total,
    string? NextCursor,
    string? Notice,
    string? Period);

/// <summary>Tables as the result's structured content.</summary>
public sealed record TableListOutput(IReadOnlyList<TableSummary> Tables, bool Truncated, string? Notice);

/// <summary>
/// Every database result twice: structured content (exact values, for programs) and a compact text table (for the
/// model), with the truncation notice in both so a partial answer is never mistaken for a whole one.
/// </summary>
internal static class ResultFormat
{
    public static CallToolResult Rows(QueryResult result)
    {
        string notice = result.Truncation.Notice();
        var output = new RowsOutput(result.Columns, result.Rows, result.RowCount, result.Truncation.Truncated,
            result.Truncation.Total, result.Truncation.NextCursor, notice.Length == 0 ? null : notice, result.Period);

        var text = new StringBuilder();
        if (result.Period is { } period)
        {
            text.Append("Period ").Append(period).Append('\n');
        }

        text.AppendJoin(" | ", result.Columns.Select(c => c.Name)).Append('\n');
        foreach (IReadOnlyList<JsonElement> row in result.Rows)
        {
            text.AppendJoin(" | ", row.Select(Cell)).Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"({result.RowCount} row{(result.RowCount == 1 ? string.Empty : "s")})");
        if (notice.Length > 0)
        {
            text.Append(' ').Append(notice);
            if (result.Truncation.NextCursor is { } cursor)
            {
                text.Append("\nnext_cursor: ").Append(cursor);
            }
        }

        return Result(text.ToString(), Structured(output));
    }

    public static CallToolResult Tables(TableList list)
    {
        string notice = list.Truncation.Notice();
        var text = new StringBuilder();
        foreach (TableSummary t in list.Tables)
        {
            text.Append(t.QualifiedName).Append(" (").Append(t.Kind);
            if (t.RowEstimate is { } rows)
            {
                text.Append(CultureInfo.InvariantCulture, $", ~{rows} rows");
            }

            text.Append(')');
            if (!string.IsNullOrEmpty(t.Comment))
            {
                text.Append(" — ").Append(t.Comment);
            }

            text.Append('\n');
        }

        text.Append(list.Tables.Count == 0 ? "No tables are visible to this server in the allowed schemas." : $"({list.Tables.Count} tables)");
        if (notice.Length > 0)
        {
            text.Append(' ').Append(notice);
        }

        var output = new TableListOutput(list.Tables, list.Truncation.Truncated, notice.Length == 0 ? null : notice);
        return Result(text.ToString(), Structured(output));
    }

    public static CallToolResult Description(TableDescription d)
    {
        var text = new StringBuilder();
        text.Append(d.Schema).Append('.').Append(d.Name).Append(" (").Append(d.Kind).Append(')');
        if (!string.IsNullOrEmpty(d.Comment))
        {
            text.Append(" — ").Append(d.Comment);
        }

        text.Append("\ncolumns:\n");
        foreach (ColumnDescription c in d.Columns)
        {
            text.Append("  ").Append(c.Name).Append(' ').Append(c.Type).Append(c.Nullable ? " null" : " not null");
            if (c.PrimaryKey)
            {
                text.Append(" primary key");
            }

            if (c.Default is not null)
            {
                text.Append(" default ").Append(c.Default);
            }

            if (!string.IsNullOrEmpty(c.Comment))
            {
                text.Append(" — ").Append(c.Comment);
            }

            text.Append('\n');
        }

        foreach (ForeignKeyDescription fk in d.ForeignKeys)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"relation {fk.Relation}: ({string.Join(", ", fk.Columns)}) -> {fk.ReferencedTable}({string.Join(", ", fk.ReferencedColumns)}); use {fk.Relation}.<column>\n");
        }

        foreach (IndexDescription i in d.Indexes)
        {
            text.Append(CultureInfo.InvariantCulture, $"index {i.Name}{(i.Unique ? " unique" : string.Empty)} ({string.Join(", ", i.Columns)})\n");
        }

        return Result(text.ToString().TrimEnd(), Structured(d));
    }

    /// <summary>With the same options the SDK used for the advertised outputSchema, so the two always agree.</summary>
    private static JsonElement Structured<T>(T value) =>
        JsonSerializer.SerializeToElement(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)DatabaseServer.Json.Options.GetTypeInfo(typeof(T)));

    private static CallToolResult Result(string text, JsonElement structured) =>
        new() { Content = [new TextContentBlock { Text = text }], StructuredContent = structured };

    private static string Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "NULL",
        JsonValueKind.String => value.GetString()!.ReplaceLineEndings(" "),
        _ => value.GetRawText(),
    };
}

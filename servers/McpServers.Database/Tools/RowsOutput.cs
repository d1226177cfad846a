using System.Globalization;
using System.Text;
using System.Text.Json;
using McpServers.Database.Backend;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using ModelContextProtocol.Protocol;

namespace McpServers.Database.Tools;

/// <summary>
/// Rows as the result's structured content. db_query, db_aggregate and every declared query answer with this one
/// table, so its record and its text rendering are shared by those tools.
/// </summary>
public sealed record RowsOutput(
    IReadOnlyList<ResultColumn> Columns,
    IReadOnlyList<IReadOnlyList<JsonElement>> Rows,
    int RowCount,
    bool Truncated,
    long? Total,
    string? NextCursor,
    string? Notice,
    string? Period)
{
    /// <summary>
    /// The rows twice: structured content (exact values, for programs) and a compact text table (for the model), with
    /// the truncation notice in both so a partial answer is never mistaken for a whole one.
    /// </summary>
    internal static CallToolResult Result(QueryResult result, ServerJson json)
    {
        string notice = result.Truncation.Notice();
        string? period = result.Period is { } p ? PeriodText.Describe(p) : null;
        var output = new RowsOutput(result.Columns, result.Rows, result.RowCount, result.Truncation.Truncated,
            result.Truncation.Total, result.Truncation.NextCursor, notice.Length == 0 ? null : notice, period);

        var text = new StringBuilder();
        if (period is not null)
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

        return ToolResult.Create(output, text.ToString(), json);
    }

    private static string Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "NULL",
        JsonValueKind.String => value.GetString()!.ReplaceLineEndings(" "),
        _ => value.GetRawText(),
    };
}

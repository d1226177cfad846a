using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using McpServers.Database.Backend;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Database.Tools;

public sealed class ListTablesTool(IDatabaseGateway gateway, ServerJson json)
{
    [McpServerTool(Name = "db_list_tables", Title = "List tables", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(TableListOutput))]
    [Description("Lists the tables and views this server may read, with estimated row counts and comments. Start here, then use db_describe_table for columns and relationships.")]
    public async Task<CallToolResult> ListTables(
        [Description("Only this schema (e.g. public). Omit for every allowed schema."), StringLength(63, MinimumLength = 1)] string? schema = null,
        [Description("Only tables whose name contains this text (case-insensitive)."), StringLength(63, MinimumLength = 1)] string? name_contains = null,
        CancellationToken cancellationToken = default)
    {
        TableList list = await gateway.ListTablesAsync(schema, name_contains, cancellationToken);
        string notice = list.Truncation.Notice();
        var output = new TableListOutput(list.Tables, list.Truncation.Truncated, notice.Length == 0 ? null : notice);
        return ToolResult.Create(output, Text(list.Tables, notice), json);
    }

    private static string Text(IReadOnlyList<TableSummary> tables, string notice)
    {
        var text = new StringBuilder();
        foreach (TableSummary t in tables)
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

        text.Append(tables.Count == 0 ? "No tables are visible to this server in the allowed schemas." : $"({tables.Count} tables)");
        if (notice.Length > 0)
        {
            text.Append(' ').Append(notice);
        }

        return text.ToString();
    }
}

/// <summary>db_list_tables' structured content.</summary>
public sealed record TableListOutput(IReadOnlyList<TableSummary> Tables, bool Truncated, string? Notice);

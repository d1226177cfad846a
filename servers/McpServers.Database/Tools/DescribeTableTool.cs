using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using McpServers.Database.Backend;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Database.Tools;

public sealed class DescribeTableTool(IDatabaseGateway gateway, ServerJson json)
{
    [McpServerTool(Name = "db_describe_table", Title = "Describe a table", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(TableDescriptionOutput))]
    [Description("Describes one table or view: columns (type, nullable, default, comment), primary key, many-to-one foreign keys (whose columns db_query and db_aggregate can reach as relation.column), the tables that reference it (one-to-many: query those tables and filter on their key columns) and indexes.")]
    public async Task<CallToolResult> Describe(
        [Description("Table name, or schema.table."), StringLength(127, MinimumLength = 1)] string table,
        CancellationToken cancellationToken = default)
    {
        TableDescription d = await gateway.DescribeTableAsync(table, cancellationToken);
        var output = new TableDescriptionOutput(d.Schema, d.Name, d.Kind, d.RowEstimate, d.Comment, d.Columns, d.PrimaryKey, d.ForeignKeys, d.Indexes, d.ReferencedBy);
        return ToolResult.Create(output, Text(d), json);
    }

    private static string Text(TableDescription d)
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

        foreach (ReferenceDescription r in d.ReferencedBy)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"referenced by {r.Table}({string.Join(", ", r.Columns)}) -> ({string.Join(", ", r.ReferencedColumns)})\n");
        }

        foreach (IndexDescription i in d.Indexes)
        {
            text.Append(CultureInfo.InvariantCulture, $"index {i.Name}{(i.Unique ? " unique" : string.Empty)} ({string.Join(", ", i.Columns)})\n");
        }

        return text.ToString().TrimEnd();
    }
}

/// <summary>db_describe_table's structured content: the table's shape as the model may see it (denied columns left out by the gateway).</summary>
public sealed record TableDescriptionOutput(
    string Schema,
    string Name,
    string Kind,
    long? RowEstimate,
    string? Comment,
    IReadOnlyList<ColumnDescription> Columns,
    IReadOnlyList<string> PrimaryKey,
    IReadOnlyList<ForeignKeyDescription> ForeignKeys,
    IReadOnlyList<IndexDescription> Indexes,
    IReadOnlyList<ReferenceDescription> ReferencedBy);

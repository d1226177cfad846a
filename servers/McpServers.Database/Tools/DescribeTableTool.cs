using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Database.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Database.Tools;

public sealed class DescribeTableTool(IDatabaseGateway gateway)
{
    [McpServerTool(Name = "db_describe_table", Title = "Describe a table", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(TableDescription))]
    [Description("Describes one table or view: columns (type, nullable, default, comment), primary key, many-to-one foreign keys (whose columns db_query and db_aggregate can reach as relation.column) and indexes.")]
    public async Task<CallToolResult> Describe(
        [Description("Table name, or schema.table."), StringLength(127, MinimumLength = 1)] string table,
        CancellationToken cancellationToken = default)
    {
        TableDescription description = await gateway.DescribeTableAsync(table, cancellationToken);
        return ResultFormat.Description(description);
    }
}

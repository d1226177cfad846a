using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Database.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Database.Tools;

public sealed class ListTablesTool(IDatabaseGateway gateway)
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
        return ResultFormat.Tables(list);
    }
}

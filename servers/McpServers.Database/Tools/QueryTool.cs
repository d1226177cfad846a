using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using McpServers.Database.Backend;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Database.Tools;

public sealed class QueryTool(IDatabaseGateway gateway, ServerJson json)
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "LengthAttribute is only read as schema metadata (minItems/maxItems, enforced by the shared validator); its reflection-based IsValid is never called.")]
    [McpServerTool(Name = "db_query", Title = "Query rows", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(RowsOutput))]
    [Description("Reads rows from one table or view, built from structured input (no SQL). Columns of tables reached along many-to-one foreign keys can be selected and filtered as relation.column (e.g. customer.name from invoices). Results are capped; when cut, the result says so and returns next_cursor for the next page.")]
    public async Task<CallToolResult> Query(
        [Description("Table name, or schema.table."), StringLength(127, MinimumLength = 1)] string table,
        [Description("Columns to return (default: all visible columns). May include relation.column paths."), Length(0, QueryBuilder.MaxColumns)] IReadOnlyList<string> columns = null!,
        [Description("Conditions, all of which must hold (at most 20)."), Length(0, QueryBuilder.MaxFilters)] IReadOnlyList<FilterInput> filters = null!,
        [Description("Sort keys, first one first."), Length(0, QueryBuilder.MaxSortKeys)] IReadOnlyList<OrderInput> order_by = null!,
        [Description("Rows per page (default 100). The server caps it at its configured maximum."), Range(1, 10000)] int? limit = null,
        [Description("next_cursor from a previous call with the same arguments, for the next page."), StringLength(4096)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var spec = new QuerySpec(table, InputMapping.Columns(columns), InputMapping.Filters(filters), InputMapping.Order(order_by), limit, cursor);
        return RowsOutput.Result(await gateway.QueryAsync(spec, cancellationToken), json);
    }
}

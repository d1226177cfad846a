using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Database.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Database.Tools;

public sealed class AggregateTool(IDatabaseGateway gateway)
{
    [McpServerTool(Name = "db_aggregate", Title = "Aggregate rows", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(RowsOutput))]
    [Description("Groups and summarises one table (no SQL): metrics count, count_distinct, sum, avg, min, max; group by columns, foreign-key paths (customer.name) or time buckets (month, quarter…) of date columns; filters before grouping, having on metrics, order by a metric or group, limit. Example, top customers by revenue this quarter: table invoices, metrics [{function: sum, column: amount, as: revenue}], group_by [{column: customer.name}], filters [{column: issued_on, op: ge, value: '2026-10-01'}], order_by [{column: revenue, direction: desc}], limit 10.")]
    public async Task<CallToolResult> Aggregate(
        [Description("Table name, or schema.table."), StringLength(127, MinimumLength = 1)] string table,
        [Description("One to ten aggregates.")] IReadOnlyList<MetricInput> metrics,
        [Description("Grouping keys (omit for one total row).")] IReadOnlyList<GroupInput>? group_by = null,
        [Description("Conditions on rows before grouping.")] IReadOnlyList<FilterInput>? filters = null,
        [Description("Conditions on metrics after grouping.")] IReadOnlyList<HavingInput>? having = null,
        [Description("Sort by metric or group names.")] IReadOnlyList<OrderInput>? order_by = null,
        [Description("Groups per page (default 100). The server caps it at its configured maximum."), Range(1, 10000)] int? limit = null,
        [Description("next_cursor from a previous call with the same arguments, for the next page."), StringLength(4096)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var spec = new AggregateSpec(table,
            [.. metrics.Select(m => new MetricSpec(m.Function, m.Column, m.As))],
            group_by?.Select(g => new GroupSpec(g.Column, g.Bucket)).ToList(),
            InputMapping.Filters(filters),
            having?.Select(h => new HavingSpec(h.Metric, h.Op, h.Value)).ToList(),
            InputMapping.Order(order_by), limit, cursor);
        return ResultFormat.Rows(await gateway.AggregateAsync(spec, cancellationToken));
    }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using McpServers.Database.Backend;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Database.Tools;

public sealed class AggregateTool(IDatabaseGateway gateway, ServerJson json)
{
    // Optional lists are typed non-nullable with a null default on purpose: the schema generator then advertises the
    // entries and their required properties as non-nullable, so {"column": null} is refused by validation.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "LengthAttribute is only read as schema metadata (minItems/maxItems, enforced by the shared validator); its reflection-based IsValid is never called.")]
    [McpServerTool(Name = "db_aggregate", Title = "Aggregate rows", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(RowsOutput))]
    [Description("Groups and summarises one table (no SQL): metrics count, count_distinct, sum, avg, min, max; group by columns, foreign-key paths (customer.name) or time buckets (month, quarter…) of date columns; filters before grouping, having on metrics, order by a metric or group, limit. `period` restricts a date column to a calendar period computed by the server (this_quarter, last_month, 2026-Q4, 2026-11, 2026); the result names the dates and time zone used. Example, top customers by revenue this quarter: table invoices, metrics [{function: sum, column: total, as: revenue}], group_by [{column: customer.name}], period this_quarter, period_column issued_on, order_by [{column: revenue, direction: desc}], limit 10.")]
    public async Task<CallToolResult> Aggregate(
        [Description("Table name, or schema.table."), StringLength(127, MinimumLength = 1)] string table,
        [Description("One to twenty aggregates."), Length(1, QueryBuilder.MaxMetrics)] IReadOnlyList<MetricInput> metrics,
        [Description("Grouping keys (omit for one total row)."), Length(0, QueryBuilder.MaxGroups)] IReadOnlyList<GroupInput> group_by = null!,
        [Description("Conditions on rows before grouping (at most 20)."), Length(0, QueryBuilder.MaxFilters)] IReadOnlyList<FilterInput> filters = null!,
        [Description("Conditions on metrics after grouping."), Length(0, QueryBuilder.MaxFilters)] IReadOnlyList<HavingInput> having = null!,
        [Description("Sort by metric or group names."), Length(0, QueryBuilder.MaxSortKeys)] IReadOnlyList<OrderInput> order_by = null!,
        [Description("Only rows whose period_column falls in this period: this_month, last_month, this_quarter, last_quarter, this_year, last_year, a quarter (2026-Q4), a month (2026-11) or a year (2026). Quarters and years follow the server's fiscal-year setting; dates are computed in its time zone."),
         RegularExpression(PeriodText.Pattern)] string? period = null,
        [Description("The date or timestamp column `period` applies to (e.g. issued_on). May be omitted when the table has exactly one date column."),
         StringLength(200, MinimumLength = 1)] string? period_column = null,
        [Description("Groups per page (default 100). The server caps it at its configured maximum."), Range(1, 10000)] int? limit = null,
        [Description("next_cursor from a previous call with the same arguments, for the next page."), StringLength(4096)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var spec = new AggregateSpec(table,
            InputMapping.Metrics(metrics),
            InputMapping.Groups(group_by),
            InputMapping.Filters(filters),
            InputMapping.Having(having),
            InputMapping.Order(order_by), limit, cursor)
        {
            Period = period,
            PeriodColumn = period_column,
        };
        return RowsOutput.Result(await gateway.AggregateAsync(spec, cancellationToken), json);
    }
}

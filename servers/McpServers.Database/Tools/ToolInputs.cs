using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Database.Backend;

namespace McpServers.Database.Tools;

// The structured inputs the model sends instead of SQL. Their shapes (and constraints) become the tools' schemas.

/// <summary>One condition on a column.</summary>
public sealed record FilterInput(
    [property: Description("Column name, or a path along a many-to-one foreign key such as customer.name (see db_describe_table).")]
    [property: StringLength(200, MinimumLength = 1)]
    string Column,
    [property: Description("Operator: eq, ne, lt, le, gt, ge, in, not_in, between, contains (case-insensitive), starts_with (case-insensitive), is_null, is_not_null.")]
    FilterOp Op,
    [property: Description("The value: a scalar; an array for in/not_in; [low, high] for between; omitted for is_null/is_not_null. Dates as ISO 8601 (2026-07-01).")]
    JsonElement? Value = null);

/// <summary>One sort key.</summary>
public sealed record OrderInput(
    [property: Description("Column (query) or group/metric name (aggregate) to sort by.")]
    [property: StringLength(200, MinimumLength = 1)]
    string Column,
    [property: Description("asc or desc.")]
    SortDirection Direction = SortDirection.Asc);

[JsonConverter(typeof(JsonStringEnumConverter<SortDirection>))]
public enum SortDirection
{
    [JsonStringEnumMemberName("asc")]
    Asc,
    [JsonStringEnumMemberName("desc")]
    Desc,
}

/// <summary>One grouping key.</summary>
public sealed record GroupInput(
    [property: Description("Column or foreign-key path to group by.")]
    [property: StringLength(200, MinimumLength = 1)]
    string Column,
    [property: Description("For date/timestamp columns: truncate to day, week, month, quarter or year.")]
    TimeBucket? Bucket = null);

/// <summary>One aggregate.</summary>
public sealed record MetricInput(
    [property: Description("count, count_distinct, sum, avg, min or max.")]
    MetricFunction Function,
    [property: Description("Column or foreign-key path; omit for count of rows.")]
    [property: StringLength(200, MinimumLength = 1)]
    string? Column = null,
    [property: Description("Output name (letters, digits, underscores), used in order_by and having. Default: function_column.")]
    [property: RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    string? As = null);

/// <summary>A condition on a metric.</summary>
public sealed record HavingInput(
    [property: Description("The metric's output name.")]
    [property: StringLength(63, MinimumLength = 1)]
    string Metric,
    [property: Description("eq, ne, lt, le, gt, ge, between.")]
    FilterOp Op,
    [property: Description("A number, or [low, high] for between.")]
    JsonElement Value);

internal static class InputMapping
{
    public static IReadOnlyList<FilterSpec>? Filters(IReadOnlyList<FilterInput>? filters) =>
        filters?.Select(f => new FilterSpec(f.Column, f.Op, f.Value)).ToList();

    public static IReadOnlyList<OrderSpec>? Order(IReadOnlyList<OrderInput>? order) =>
        order?.Select(o => new OrderSpec(o.Column, o.Direction == SortDirection.Desc)).ToList();
}

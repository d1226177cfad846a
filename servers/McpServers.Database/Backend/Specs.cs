using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;

namespace McpServers.Database.Backend;

/// <summary>Comparison operators of a structured filter. Wire names are snake_case (<see cref="FilterOps.Parse"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FilterOp>))]
public enum FilterOp
{
    [JsonStringEnumMemberName("eq")]
    Eq,
    [JsonStringEnumMemberName("ne")]
    Ne,
    [JsonStringEnumMemberName("lt")]
    Lt,
    [JsonStringEnumMemberName("le")]
    Le,
    [JsonStringEnumMemberName("gt")]
    Gt,
    [JsonStringEnumMemberName("ge")]
    Ge,
    [JsonStringEnumMemberName("in")]
    In,
    [JsonStringEnumMemberName("not_in")]
    NotIn,
    [JsonStringEnumMemberName("between")]
    Between,
    [JsonStringEnumMemberName("contains")]
    Contains,
    [JsonStringEnumMemberName("starts_with")]
    StartsWith,
    [JsonStringEnumMemberName("is_null")]
    IsNull,
    [JsonStringEnumMemberName("is_not_null")]
    IsNotNull,
}

public static class FilterOps
{
    private static readonly (string Name, FilterOp Op)[] Names =
    [
        ("eq", FilterOp.Eq), ("ne", FilterOp.Ne), ("lt", FilterOp.Lt), ("le", FilterOp.Le), ("gt", FilterOp.Gt),
        ("ge", FilterOp.Ge), ("in", FilterOp.In), ("not_in", FilterOp.NotIn), ("between", FilterOp.Between),
        ("contains", FilterOp.Contains), ("starts_with", FilterOp.StartsWith), ("is_null", FilterOp.IsNull),
        ("is_not_null", FilterOp.IsNotNull),
    ];

    public static IReadOnlyList<string> AllNames { get; } = Names.Select(n => n.Name).ToArray();

    public static FilterOp Parse(string? name)
    {
        foreach ((string n, FilterOp op) in Names)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                return op;
            }
        }

        throw new ToolInputException($"Filter operator `{Describe.Input(name)}` is not supported. Use one of: {string.Join(", ", AllNames)}.");
    }

    public static string Name(this FilterOp op) => Names.First(n => n.Op == op).Name;
}

/// <summary>
/// One condition. <paramref name="Column"/> is a column of the table or a path along many-to-one foreign keys
/// (<c>customer.name</c>). <paramref name="Value"/>: a scalar; an array for in/not_in; a two-element array for
/// between; absent for is_null/is_not_null.
/// </summary>
public sealed record FilterSpec(string Column, FilterOp Op, JsonElement? Value = null);

/// <summary>Order by a column (query) or by a group or metric name (aggregate).</summary>
public sealed record OrderSpec(string Column, bool Descending = false);

/// <summary>Rows from one table or view, built from structured input only (no SQL text is accepted).</summary>
public sealed record QuerySpec(
    string Table,
    IReadOnlyList<string>? Columns = null,
    IReadOnlyList<FilterSpec>? Filters = null,
    IReadOnlyList<OrderSpec>? OrderBy = null,
    int? Limit = null,
    string? Cursor = null);

[JsonConverter(typeof(JsonStringEnumConverter<TimeBucket>))]
public enum TimeBucket
{
    [JsonStringEnumMemberName("day")]
    Day,
    [JsonStringEnumMemberName("week")]
    Week,
    [JsonStringEnumMemberName("month")]
    Month,
    [JsonStringEnumMemberName("quarter")]
    Quarter,
    [JsonStringEnumMemberName("year")]
    Year,
}

[JsonConverter(typeof(JsonStringEnumConverter<MetricFunction>))]
public enum MetricFunction
{
    [JsonStringEnumMemberName("count")]
    Count,
    [JsonStringEnumMemberName("count_distinct")]
    CountDistinct,
    [JsonStringEnumMemberName("sum")]
    Sum,
    [JsonStringEnumMemberName("avg")]
    Avg,
    [JsonStringEnumMemberName("min")]
    Min,
    [JsonStringEnumMemberName("max")]
    Max,
}

public static class AggregateNames
{
    public static TimeBucket ParseBucket(string? name) => name?.ToLowerInvariant() switch
    {
        "day" => TimeBucket.Day,
        "week" => TimeBucket.Week,
        "month" => TimeBucket.Month,
        "quarter" => TimeBucket.Quarter,
        "year" => TimeBucket.Year,
        _ => throw new ToolInputException($"Time bucket `{Describe.Input(name)}` is not supported. Use one of: day, week, month, quarter, year."),
    };

    public static MetricFunction ParseFunction(string? name) => name?.ToLowerInvariant() switch
    {
        "count" => MetricFunction.Count,
        "count_distinct" => MetricFunction.CountDistinct,
        "sum" => MetricFunction.Sum,
        "avg" => MetricFunction.Avg,
        "min" => MetricFunction.Min,
        "max" => MetricFunction.Max,
        _ => throw new ToolInputException($"Metric `{Describe.Input(name)}` is not supported. Use one of: count, count_distinct, sum, avg, min, max."),
    };

    public static string Name(this TimeBucket bucket) => bucket.ToString().ToLowerInvariant();

    public static string Name(this MetricFunction function) =>
        function == MetricFunction.CountDistinct ? "count_distinct" : function.ToString().ToLowerInvariant();
}

/// <summary>A grouping key: a column (or FK path), optionally truncated to a time bucket (date/timestamp columns only).</summary>
public sealed record GroupSpec(string Column, TimeBucket? Bucket = null);

/// <summary>An aggregate. <paramref name="Column"/> may be null only for count (count of rows). <paramref name="As"/> names the output.</summary>
public sealed record MetricSpec(MetricFunction Function, string? Column = null, string? As = null);

/// <summary>A condition on a metric, referenced by its output name.</summary>
public sealed record HavingSpec(string Metric, FilterOp Op, JsonElement Value);

public sealed record AggregateSpec(
    string Table,
    IReadOnlyList<MetricSpec> Metrics,
    IReadOnlyList<GroupSpec>? GroupBy = null,
    IReadOnlyList<FilterSpec>? Filters = null,
    IReadOnlyList<HavingSpec>? Having = null,
    IReadOnlyList<OrderSpec>? OrderBy = null,
    int? Limit = null,
    string? Cursor = null)
{
    /// <summary>A period (<see cref="PeriodText"/>) that <see cref="PeriodColumn"/> must fall in; resolved by the gateway's clock.</summary>
    public string? Period { get; init; }

    /// <summary>The date column <see cref="Period"/> applies to; may be omitted when the table has exactly one.</summary>
    public string? PeriodColumn { get; init; }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Database.Backend;
using McpServers.Shared.Errors;

namespace McpServers.Database.Tools;

// The structured inputs the model sends instead of SQL. Their shapes (and constraints) become the tools' schemas.

/// <summary>One condition on a column.</summary>
public sealed record FilterInput(
    [property: Description("Column name, or a path along a many-to-one foreign key such as customer.name (see db_describe_table).")]
    [property: StringLength(200, MinimumLength = 1)]
    string Column,
    [property: Description("Operator: eq, ne, lt, le, gt, ge, in, not_in, between, contains (case-insensitive), starts_with (case-insensitive), is_null, is_not_null.")]
    FilterOp Op,
    [property: Description("The value: a scalar; an array of at most 500 values for in/not_in; [low, high] for between; omitted for is_null/is_not_null. Dates as ISO 8601 (2026-07-01). Text at most 1000 characters (200 for contains/starts_with).")]
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
    HavingOp Op,
    [property: Description("A number, or [low, high] for between.")]
    JsonElement Value);

/// <summary>The comparisons a having condition supports: exactly these are advertised, so the schema never offers one that is refused.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HavingOp>))]
public enum HavingOp
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
    [JsonStringEnumMemberName("between")]
    Between,
}

/// <summary>
/// Inputs to specs. The schema already refuses nulls inside these lists; a null that still arrives (a client that
/// skipped validation, a direct caller) becomes an instruction naming the entry, never a NullReferenceException.
/// </summary>
internal static class InputMapping
{
    public static IReadOnlyList<string>? Columns(IReadOnlyList<string>? columns) =>
        columns?.Select((c, i) => c ?? throw Null("columns", i)).ToList();

    public static IReadOnlyList<FilterSpec>? Filters(IReadOnlyList<FilterInput>? filters) =>
        filters?.Select((f, i) => f is null ? throw Null("filters", i) : new FilterSpec(f.Column, f.Op, f.Value)).ToList();

    public static IReadOnlyList<OrderSpec>? Order(IReadOnlyList<OrderInput>? order) =>
        order?.Select((o, i) => o is null ? throw Null("order_by", i) : new OrderSpec(o.Column, o.Direction == SortDirection.Desc)).ToList();

    public static IReadOnlyList<MetricSpec> Metrics(IReadOnlyList<MetricInput>? metrics) =>
        metrics?.Select((m, i) => m is null ? throw Null("metrics", i) : new MetricSpec(m.Function, m.Column, m.As)).ToList() ?? [];

    public static IReadOnlyList<GroupSpec>? Groups(IReadOnlyList<GroupInput>? groups) =>
        groups?.Select((g, i) => g is null ? throw Null("group_by", i) : new GroupSpec(g.Column, g.Bucket)).ToList();

    public static IReadOnlyList<HavingSpec>? Having(IReadOnlyList<HavingInput>? having) =>
        having?.Select((h, i) => h is null ? throw Null("having", i) : new HavingSpec(h.Metric, Op(h.Op), h.Value)).ToList();

    private static FilterOp Op(HavingOp op) => op switch
    {
        HavingOp.Eq => FilterOp.Eq,
        HavingOp.Ne => FilterOp.Ne,
        HavingOp.Lt => FilterOp.Lt,
        HavingOp.Le => FilterOp.Le,
        HavingOp.Gt => FilterOp.Gt,
        HavingOp.Ge => FilterOp.Ge,
        _ => FilterOp.Between,
    };

    private static ToolInputException Null(string parameter, int index) =>
        new($"`{parameter}[{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}]` is null; give an object (or leave the entry out).");
}

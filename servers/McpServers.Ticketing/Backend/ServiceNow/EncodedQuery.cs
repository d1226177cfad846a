using System.Text;
using McpServers.Shared.Errors;

namespace McpServers.Ticketing.Backend.ServiceNow;

/// <summary>One condition of a search, as the model gives it: a field, one of <see cref="EncodedQuery.Operators"/>, and a value.</summary>
public sealed record SnowFilter(string? Field, string? Operator, string? Value = null);

/// <summary>
/// Builds ServiceNow encoded queries (<c>sysparm_query</c>) from structured conditions; the only code that writes one.
/// An encoded query has no escape character: <c>^</c> separates conditions (<c>^OR</c>, <c>^NQ</c> start alternatives),
/// and a value starting with <c>javascript:</c> is run on the instance. So a value containing <c>^</c>, a line break or
/// other control character, or <c>javascript:</c> anywhere, is refused, as is a comma inside an <c>in</c> value; field
/// names come from the table's allowlist and operators from a fixed set. Whatever passes can only be the literal value
/// of its own condition.
/// </summary>
public static class EncodedQuery
{
    /// <summary>The operators the model may use, by the names it sees, with ServiceNow's spelling.</summary>
    public static readonly IReadOnlyDictionary<string, string> Operators = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["equals"] = "=",
        ["not_equals"] = "!=",
        ["contains"] = "LIKE",
        ["starts_with"] = "STARTSWITH",
        ["in"] = "IN",
        ["greater_than"] = ">",
        ["at_least"] = ">=",
        ["less_than"] = "<",
        ["at_most"] = "<=",
        ["is_empty"] = "ISEMPTY",
        ["is_not_empty"] = "ISNOTEMPTY",
    };

    public const string OperatorList = "equals, not_equals, contains, starts_with, in, greater_than, at_least, less_than, at_most, is_empty, is_not_empty";

    public const int MaxValueLength = 500;

    /// <summary>
    /// The encoded query of <paramref name="filters"/> (all must hold) and optional full-text <paramref name="text"/>,
    /// ordered by <paramref name="orderBy"/>. Every field must be in <paramref name="fields"/>.
    /// </summary>
    public static string Build(IReadOnlyList<SnowFilter> filters, string? text, IReadOnlyList<string> fields, string? orderBy = null, bool descending = false)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(fields);
        var conditions = new List<string>();
        for (int i = 0; i < filters.Count; i++)
        {
            conditions.Add(Condition(filters[i], fields, $"filters[{i}]"));
        }

        if (!string.IsNullOrWhiteSpace(text))
        {
            // The keyword search condition of the list view: matches the table's text index.
            conditions.Add("123TEXTQUERY321=" + Value(text.Trim(), "text"));
        }

        if (orderBy is not null)
        {
            conditions.Add((descending ? "ORDERBYDESC" : "ORDERBY") + Field(orderBy, fields, "order_by"));
        }

        return string.Join('^', conditions);
    }

    /// <summary>A condition matching one value of a field the caller has already checked (e.g. a record number or sys_id).</summary>
    public static string Equal(string field, string value) => field + "=" + Value(value, field);

    private static string Condition(SnowFilter filter, IReadOnlyList<string> fields, string where)
    {
        if (filter is null)
        {
            throw new ToolInputException($"`{where}` must be an object with field, operator and value.");
        }

        string field = Field(filter.Field, fields, where + ".field");
        if (filter.Operator is null || !Operators.TryGetValue(filter.Operator, out string? op))
        {
            throw new ToolInputException($"`{where}.operator` must be one of: {OperatorList}.");
        }

        if (op is "ISEMPTY" or "ISNOTEMPTY")
        {
            return field + op;
        }

        if (string.IsNullOrEmpty(filter.Value))
        {
            throw new ToolInputException($"`{where}.value` is required with operator {filter.Operator}.");
        }

        if (op == "IN")
        {
            string[] values = filter.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (values.Length == 0)
            {
                throw new ToolInputException($"`{where}.value` must list values separated by commas, e.g. \"1,2\".");
            }

            return field + op + string.Join(',', values.Select(v => Value(v, where + ".value")));
        }

        return field + op + Value(filter.Value, where + ".value");
    }

    private static string Field(string? field, IReadOnlyList<string> fields, string where) =>
        field is not null && fields.Contains(field, StringComparer.Ordinal)
            ? field
            : throw new ToolInputException($"`{where}` must be one of this table's fields: {string.Join(", ", fields)}.");

    /// <summary>A value that can only be literal text inside its own condition, or an input error saying why not.</summary>
    public static string Value(string value, string where)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > MaxValueLength)
        {
            throw new ToolInputException($"`{where}` is longer than {MaxValueLength} characters.");
        }

        if (value.Contains('^', StringComparison.Ordinal))
        {
            throw new ToolInputException($"`{where}` may not contain '^': ServiceNow queries cannot escape it.");
        }

        if (value.Any(char.IsControl))
        {
            throw new ToolInputException($"`{where}` may not contain line breaks or other control characters.");
        }

        if (Squeezed(value).Contains("javascript:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ToolInputException($"`{where}` may not contain 'javascript:': ServiceNow would run it as a script.");
        }

        return value;
    }

    /// <summary>The value without white space, so that "java script :" is seen for what ServiceNow may make of it.</summary>
    private static string Squeezed(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (!char.IsWhiteSpace(c))
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}

using System.Globalization;
using System.Text;
using McpServers.Shared.Errors;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>
/// SOQL literals (SOQL and SOSL Reference, "Quoted String Escape Sequences" and "Date Formats and Date Literals"). A
/// value never becomes query syntax: strings are quoted with <c>\</c> and <c>'</c> escaped, <c>%</c> and <c>_</c>
/// escaped only inside LIKE (elsewhere <c>\%</c> is itself an error); line breaks and control characters are refused
/// rather than escaped; dates, date-times, numbers and booleans are written by the field's describe type.
/// </summary>
internal static class SoqlLiteral
{
    private static readonly string[] Textual = ["string", "textarea", "picklist", "multipicklist", "email", "phone", "url", "combobox", "encryptedstring"];
    private static readonly string[] Identifiers = ["id", "reference"];
    private static readonly string[] Numeric = ["currency", "double", "int", "percent", "long"];

    public static bool IsTextual(string? type) => Textual.Contains(type, StringComparer.OrdinalIgnoreCase);

    public static bool IsNumeric(string? type) => Numeric.Contains(type, StringComparer.OrdinalIgnoreCase);

    /// <summary>A quoted string literal for <c>=</c>, <c>!=</c> and <c>IN</c>.</summary>
    public static string String(string value, string field) => "'" + Escape(value, field, like: false) + "'";

    /// <summary>A LIKE pattern matching values that contain <paramref name="text"/> (its own <c>%</c> and <c>_</c> match literally).</summary>
    public static string Contains(string text, string field) => "'%" + Escape(text, field, like: true) + "%'";

    /// <summary>The literal of <paramref name="value"/> for <paramref name="field"/>, by the field's describe type.</summary>
    public static string For(SfField field, object value)
    {
        string name = field.Name ?? "";
        string type = field.Type ?? "";
        return value switch
        {
            string s when IsTextual(type) => String(s, name),
            string s when Identifiers.Contains(type, StringComparer.OrdinalIgnoreCase) => String(SalesforceId.Parse(s, name), name),
            decimal d when IsNumeric(type) => d.ToString(CultureInfo.InvariantCulture),
            int i when IsNumeric(type) => i.ToString(CultureInfo.InvariantCulture),
            bool b when type.Equals("boolean", StringComparison.OrdinalIgnoreCase) => b ? "true" : "false",
            DateOnly d when type.Equals("date", StringComparison.OrdinalIgnoreCase) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTimeOffset t when type.Equals("datetime", StringComparison.OrdinalIgnoreCase) =>
                t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            _ => throw new ToolInputException($"{name} is a {Shown(type)} field in Salesforce; give a {Expected(type)} for it."),
        };
    }

    private static string Escape(string value, string field, bool like)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (char c in value)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085')
            {
                throw new ToolInputException(
                    $"The value given for {field} contains a line break or another control character; filter values must be a single line of text.");
            }

            switch (c)
            {
                case '\\':
                    sb.Append(@"\\");
                    break;
                case '\'':
                    sb.Append(@"\'");
                    break;
                case '%' or '_' when like:
                    sb.Append('\\').Append(c);
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    private static string Shown(string type) => type.Length is > 0 and <= 40 && type.All(char.IsAsciiLetter) ? type : "special";

    private static string Expected(string type) => type.ToLowerInvariant() switch
    {
        "date" => "date (YYYY-MM-DD)",
        "datetime" => "date and time",
        "boolean" => "true or false",
        "id" or "reference" => "Salesforce record id",
        _ when IsNumeric(type) => "number",
        _ when IsTextual(type) => "text",
        _ => "value of the right type",
    };
}

/// <summary>
/// Builds one SOQL statement on one object. Object and field names come only from <see cref="SObjectSchema"/>
/// (describe ∩ allowlist); relationship paths only as <c>Relationship.Name</c> through an allowed reference field;
/// operators and aggregate functions from fixed sets; every value through <see cref="SoqlLiteral"/>.
/// </summary>
internal sealed class SoqlQuery(SObjectSchema schema)
{
    private static readonly string[] Operators = ["=", "!=", "<", "<=", ">", ">="];
    private static readonly string[] Aggregates = ["SUM", "COUNT", "MAX", "MIN", "AVG"];

    private readonly List<string> _select = [];
    private readonly List<string> _where = [];
    private readonly List<string> _groupBy = [];
    private string? _orderBy;
    private int? _limit;
    private int? _offset;

    public SObjectSchema Schema => schema;

    /// <summary>Adds fields (or <c>Relationship.Name</c> paths); each must be allowed.</summary>
    public SoqlQuery Select(params string[] fields)
    {
        foreach (string field in fields)
        {
            string path = Path(field);
            if (!_select.Contains(path, StringComparer.Ordinal))
            {
                _select.Add(path);
            }
        }

        return this;
    }

    /// <summary>Adds those of <paramref name="fields"/> that are allowed, silently leaving out the others (display columns).</summary>
    public SoqlQuery SelectAllowed(params string[] fields) => Select([.. fields.Where(Allowed)]);

    /// <summary>Adds <c>SUM(Amount)</c> and the like; unaliased, so Salesforce names them <c>expr0</c>, <c>expr1</c>… in order.</summary>
    public SoqlQuery SelectAggregate(string function, string field)
    {
        _select.Add(Aggregate(function, field));
        return this;
    }

    /// <summary><c>field op literal</c>, the literal written by the field's type.</summary>
    public SoqlQuery Where(string field, string op, object value)
    {
        if (!Operators.Contains(op, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(op), op, "Not a SOQL comparison operator this builder writes.");
        }

        SfField described = Filterable(field);
        _where.Add($"{described.Name} {op} {SoqlLiteral.For(described, value)}");
        return this;
    }

    /// <summary><c>field LIKE '%text%'</c> on a text field.</summary>
    public SoqlQuery WhereContains(string field, string text)
    {
        SfField described = Filterable(field);
        if (!SoqlLiteral.IsTextual(described.Type))
        {
            throw new ToolInputException($"{described.Name} is not a text field; it cannot be searched by contained text.");
        }

        _where.Add($"{described.Name} LIKE {SoqlLiteral.Contains(text, described.Name!)}");
        return this;
    }

    /// <summary><c>field IN (literal, …)</c>; an empty list adds nothing.</summary>
    public SoqlQuery WhereIn(string field, IEnumerable<object> values)
    {
        if (!values.Any())
        {
            return this;
        }

        SfField described = Filterable(field);
        string[] literals = [.. values.Select(v => SoqlLiteral.For(described, v)).Distinct(StringComparer.Ordinal)];
        if (literals.Length > 0)
        {
            _where.Add($"{described.Name} IN ({string.Join(", ", literals)})");
        }

        return this;
    }

    public SoqlQuery WhereNotNull(string field)
    {
        _where.Add($"{Filterable(field).Name} != null");
        return this;
    }

    /// <summary><c>from &lt;= field &lt; before</c> for a date range; open ends add nothing.</summary>
    public SoqlQuery WhereDateRange(string field, DateRange? range)
    {
        if (range?.From is { } from)
        {
            Where(field, ">=", from);
        }

        if (range?.Before is { } before)
        {
            Where(field, "<", before);
        }

        return this;
    }

    public SoqlQuery WhereAmountRange(string field, AmountRange? range)
    {
        if (range?.Min is { } min)
        {
            Where(field, ">=", min);
        }

        if (range?.Max is { } max)
        {
            Where(field, "<=", max);
        }

        return this;
    }

    public SoqlQuery GroupBy(params string[] fields)
    {
        _groupBy.AddRange(fields.Select(Path));
        return this;
    }

    public SoqlQuery OrderBy(string field, bool descending = false)
    {
        _orderBy = Path(field) + (descending ? " DESC NULLS LAST" : " ASC NULLS LAST");
        return this;
    }

    public SoqlQuery OrderByAggregate(string function, string field, bool descending)
    {
        _orderBy = Aggregate(function, field) + (descending ? " DESC" : " ASC");
        return this;
    }

    public SoqlQuery Limit(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _limit = limit;
        return this;
    }

    /// <summary>SOQL OFFSET: at most 2,000 (SOQL Reference "OFFSET").</summary>
    public SoqlQuery Offset(int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, 2000);
        _offset = offset == 0 ? null : offset;
        return this;
    }

    public override string ToString()
    {
        if (_select.Count == 0)
        {
            throw new InvalidOperationException("A SOQL query needs at least one selected field.");
        }

        var soql = new StringBuilder("SELECT ").AppendJoin(", ", _select).Append(" FROM ").Append(schema.Name);
        if (_where.Count > 0)
        {
            soql.Append(" WHERE ").AppendJoin(" AND ", _where);
        }

        if (_groupBy.Count > 0)
        {
            soql.Append(" GROUP BY ").AppendJoin(", ", _groupBy);
        }

        if (_orderBy is not null)
        {
            soql.Append(" ORDER BY ").Append(_orderBy);
        }

        if (_limit is { } limit)
        {
            soql.Append(CultureInfo.InvariantCulture, $" LIMIT {limit}");
        }

        if (_offset is { } offset)
        {
            soql.Append(CultureInfo.InvariantCulture, $" OFFSET {offset}");
        }

        return soql.ToString();
    }

    private bool Allowed(string field)
    {
        int dot = field.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? schema.Has(field) : Relationship(field[..dot]) is not null && field[(dot + 1)..] == "Name";
    }

    /// <summary>A field's API name, or <c>Relationship.Name</c> through an allowed reference field (e.g. Account.Name via AccountId).</summary>
    private string Path(string field)
    {
        int dot = field.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return schema.Field(field).Name!;
        }

        if (field[(dot + 1)..] != "Name" || Relationship(field[..dot]) is not { } relationship)
        {
            throw new ToolInputException($"The related field '{field}' of {schema.Name} is not available on this server.");
        }

        return relationship + ".Name";
    }

    private string? Relationship(string name) => schema.Fields
        .FirstOrDefault(f => string.Equals(f.RelationshipName, name, StringComparison.OrdinalIgnoreCase)
            && string.Equals(f.Type, "reference", StringComparison.OrdinalIgnoreCase)
            && SalesforceOptions.ApiNamePattern().IsMatch(f.RelationshipName!))?.RelationshipName;

    private SfField Filterable(string field)
    {
        SfField described = schema.Field(field);
        return described.Filterable
            ? described
            : throw new ToolInputException($"{described.Name} cannot be used in a filter (Salesforce does not allow filtering on it).");
    }

    private string Aggregate(string function, string field)
    {
        if (!Aggregates.Contains(function, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(function), function, "Not a SOQL aggregate function this builder writes.");
        }

        return $"{function}({schema.Field(field).Name})";
    }
}

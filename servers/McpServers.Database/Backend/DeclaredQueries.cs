using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using McpServers.Shared.Errors;
using McpServers.Shared.Validation;

namespace McpServers.Database.Backend;

#pragma warning disable CA1720 // The members mirror JSON Schema type names on purpose.
public enum DeclaredParameterType
{
    String,
    Integer,
    Number,
    Boolean,
    Date,
    DateTime,
}
#pragma warning restore CA1720

/// <summary>A named parameter (<c>:name</c> in the statement) and the JSON Schema the model sees for it.</summary>
public sealed record DeclaredParameter(string Name, DeclaredParameterType Type, bool Required, JsonElement Schema)
{
    private JsonSchemaValidator? _validator;

    /// <summary>The parameter's own schema compiled by the shared validator: the one rule for its pattern (ECMA-262, code points).</summary>
    internal JsonSchemaValidator Validator => _validator ??= JsonSchemaValidator.Compile(Schema);
}

/// <summary>
/// An administrator-declared query tool: a single read statement whose <c>:name</c> parameters are filled from the
/// model's arguments (always bound, never spliced). <see cref="InputSchema"/> is advertised as the tool's schema.
/// </summary>
public sealed record DeclaredQuery(
    string Name,
    string Description,
    string Sql,
    JsonElement InputSchema,
    IReadOnlyList<DeclaredParameter> Parameters,
    int? MaxRows)
{
    /// <summary>The statement split around parameters: text, then parameter index, alternately.</summary>
    internal IReadOnlyList<(string Text, int? Parameter)> Segments { get; init; } = [];
}

/// <summary>The declared-tools file is not usable; <see cref="Problems"/> names each tool and what is wrong.</summary>
public sealed class DeclaredQueryException : Exception
{
    public DeclaredQueryException(IReadOnlyList<string> problems)
        : base("Declared query tools are not valid:\n- " + string.Join("\n- ", problems))
    {
        Problems = problems;
    }

    public DeclaredQueryException() : this(["unknown problem"]) { }

    public DeclaredQueryException(string message) : this([message]) { }

    public DeclaredQueryException(string message, Exception innerException) : base(message, innerException)
    {
        Problems = [message];
    }

    public IReadOnlyList<string> Problems { get; }
}

/// <summary>
/// Loads and checks the declared-tools file:
/// <code>
/// { "tools": [ { "name": "query_finance_data", "description": "…",
///                "sql": "SELECT … WHERE metric = :metric AND period = :period AND (:entity IS NULL OR entity = :entity)",
///                "inputSchema": { "type": "object", "properties": { … }, "required": [ … ] },
///                "maxRows": 200 } ] }
/// </code>
/// Parameters are written <c>:name</c> (<c>::</c> casts are left alone). A statement must be one read
/// (SELECT, WITH, VALUES or TABLE) with no write keyword outside comments and literals; at run time it is also
/// nested as a subquery (PostgreSQL refuses data-modifying CTEs there) inside a READ ONLY transaction.
/// </summary>
public static partial class DeclaredQueries
{
    private static readonly HashSet<string> ReadStarts = new(StringComparer.OrdinalIgnoreCase) { "SELECT", "WITH", "VALUES", "TABLE" };

    // Words that only appear in statements that write, change session state or reach outside the database.
    private static readonly HashSet<string> Forbidden = new(StringComparer.OrdinalIgnoreCase)
    {
        "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "TRUNCATE", "DROP", "ALTER", "CREATE", "GRANT", "REVOKE",
        "COPY", "CALL", "DO", "LOCK", "VACUUM", "ANALYZE", "REINDEX", "CLUSTER", "REFRESH", "SET", "RESET", "COMMIT",
        "ROLLBACK", "BEGIN", "SAVEPOINT", "RELEASE", "PREPARE", "EXECUTE", "DEALLOCATE", "LISTEN", "NOTIFY",
        "UNLISTEN", "ATTACH", "DETACH", "PRAGMA", "INTO", "IMPORT", "LOAD", "DISCARD", "COMMENT", "CHECKPOINT",
        "SECURITY", "OWNER",
        "set_config", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_advisory_lock",
        "pg_advisory_xact_lock", "pg_try_advisory_lock", "lo_import", "lo_export", "dblink", "dblink_exec",
        "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "load_extension", "writefile", "readfile",
    };

    public static IReadOnlyList<DeclaredQuery> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path));
    }

    public static IReadOnlyList<DeclaredQuery> Parse(string json)
    {
        var problems = new List<string>();
        var queries = new List<DeclaredQuery>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new DeclaredQueryException($"the file is not valid JSON (line {ex.LineNumber + 1})", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            JsonElement tools = root.ValueKind == JsonValueKind.Array ? root
                : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("tools", out JsonElement t) ? t
                : default;
            if (tools.ValueKind != JsonValueKind.Array)
            {
                throw new DeclaredQueryException("the file must be an object with a `tools` array (or an array of tools)");
            }

            int index = 0;
            foreach (JsonElement tool in tools.EnumerateArray())
            {
                if (ParseTool(tool.Clone(), index++, problems) is { } query)
                {
                    if (queries.Any(q => q.Name == query.Name))
                    {
                        problems.Add($"{query.Name}: the name is used twice");
                    }

                    queries.Add(query);
                }
            }
        }

        return problems.Count > 0 ? throw new DeclaredQueryException(problems) : queries;
    }

    private static DeclaredQuery? ParseTool(JsonElement tool, int index, List<string> problems)
    {
        string? name = tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        string label = name ?? $"tools[{index}]";
        int before = problems.Count;
        if (name is null || !ToolName().IsMatch(name))
        {
            problems.Add($"{label}: `name` must be snake_case, 1-48 characters, starting with a letter");
        }

        string? description = String(tool, "description");
        if (string.IsNullOrWhiteSpace(description))
        {
            problems.Add($"{label}: `description` is required (it tells the model when to use the tool)");
        }

        string? sql = String(tool, "sql");
        if (string.IsNullOrWhiteSpace(sql))
        {
            problems.Add($"{label}: `sql` is required");
            return null;
        }

        if (!tool.TryGetProperty("inputSchema", out JsonElement schema) || schema.ValueKind != JsonValueKind.Object
            || !schema.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String || type.GetString() != "object")
        {
            problems.Add($"{label}: `inputSchema` must be a JSON Schema object with \"type\": \"object\"");
            return null;
        }

        int? maxRows = null;
        if (tool.TryGetProperty("maxRows", out JsonElement mr))
        {
            maxRows = mr.ValueKind == JsonValueKind.Number && mr.TryGetInt32(out int m) && m > 0 ? m : null;
            if (maxRows is null)
            {
                problems.Add($"{label}: `maxRows` must be a positive whole number");
            }
        }

        List<DeclaredParameter> parameters = ParseParameters(label, schema, problems);
        var segments = CheckStatement(label, sql, parameters, problems);
        return problems.Count > before
            ? null
            : new DeclaredQuery(name!, description!, sql.Trim(), schema, parameters, maxRows) { Segments = segments };
    }

    private static List<DeclaredParameter> ParseParameters(string label, JsonElement schema, List<string> problems)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out JsonElement req) && req.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement r in req.EnumerateArray())
            {
                required.Add(r.GetString() ?? string.Empty);
            }
        }

        var parameters = new List<DeclaredParameter>();
        if (schema.TryGetProperty("properties", out JsonElement props) && props.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in props.EnumerateObject())
            {
                if (!ParamName().IsMatch(p.Name))
                {
                    problems.Add($"{label}: parameter `{p.Name}` must be a simple name (letters, digits, underscores)");
                    continue;
                }

                DeclaredParameterType? kind = ParameterType(p.Value);
                if (kind is null)
                {
                    problems.Add($"{label}: parameter `{p.Name}` needs \"type\" string, integer, number or boolean");
                    continue;
                }

                parameters.Add(new DeclaredParameter(p.Name, kind.Value, required.Contains(p.Name), p.Value));
            }
        }

        foreach (string r in required.Where(r => parameters.All(p => p.Name != r)))
        {
            problems.Add($"{label}: required parameter `{r}` is not in `properties`");
        }

        return parameters;
    }

    private static DeclaredParameterType? ParameterType(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out JsonElement type))
        {
            return null;
        }

        // ["string", "null"] is accepted: the nullability is the JSON Schema's business.
        string? name = type.ValueKind == JsonValueKind.String ? type.GetString()
            : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null")
            : null;
        string? format = schema.TryGetProperty("format", out JsonElement f) ? f.GetString() : null;
        return name switch
        {
            "string" when format == "date" => DeclaredParameterType.Date,
            "string" when format == "date-time" => DeclaredParameterType.DateTime,
            "string" => DeclaredParameterType.String,
            "integer" => DeclaredParameterType.Integer,
            "number" => DeclaredParameterType.Number,
            "boolean" => DeclaredParameterType.Boolean,
            _ => null,
        };
    }

    /// <summary>The token-level read-only check. Returns the statement split around its parameters.</summary>
    internal static List<(string Text, int? Parameter)> CheckStatement(string label, string sql, IReadOnlyList<DeclaredParameter> parameters, List<string> problems)
    {
        var lexProblems = new List<string>();
        List<SqlToken> tokens = SqlTokens.Scan(sql, lexProblems);
        problems.AddRange(lexProblems.Select(p => $"{label}: {p}"));

        // One trailing semicolon is tolerated; any other ends a statement and would start a second one.
        if (tokens.Count > 0 && tokens[^1] is { Kind: SqlTokenKind.Symbol, Value: ";" })
        {
            tokens.RemoveAt(tokens.Count - 1);
        }

        SqlToken? first = tokens.FirstOrDefault(t => !(t.Kind == SqlTokenKind.Symbol && t.Value == "("));
        if (first is not { Kind: SqlTokenKind.Word } || !ReadStarts.Contains(first.Value.Value))
        {
            problems.Add($"{label}: `sql` must be a single read statement starting with SELECT, WITH, VALUES or TABLE");
        }

        foreach (SqlToken token in tokens)
        {
            if (token.Kind == SqlTokenKind.Symbol && token.Value == ";")
            {
                problems.Add($"{label}: `sql` must be a single statement (found `;` before the end)");
            }
            else if (token.Kind == SqlTokenKind.Symbol && token.Value is "?" or "$" or "@")
            {
                problems.Add($"{label}: use :name parameters only (found `{token.Value}`)");
            }
            else if (token.Kind == SqlTokenKind.Word && Forbidden.Contains(token.Value))
            {
                problems.Add($"{label}: `sql` contains `{token.Value}`, which is not allowed in a read-only statement (quote it if it is a column name)");
            }
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        var segments = new List<(string, int?)>();
        int position = 0;
        foreach (SqlToken token in tokens.Where(t => t.Kind == SqlTokenKind.Parameter))
        {
            int index = parameters.ToList().FindIndex(p => p.Name == token.Value);
            if (index < 0)
            {
                problems.Add($"{label}: `sql` uses :{token.Value}, which is not a property of `inputSchema`");
                continue;
            }

            used.Add(token.Value);
            segments.Add((sql[position..token.Start], null));
            segments.Add((string.Empty, index));
            position = token.Start + token.Length;
        }

        int end = tokens.Count > 0 ? tokens[^1].Start + tokens[^1].Length : sql.Length;
        segments.Add((sql[position..Math.Max(position, end)], null));
        foreach (DeclaredParameter p in parameters.Where(p => !used.Contains(p.Name)))
        {
            problems.Add($"{label}: parameter `{p.Name}` is declared but `sql` never uses :{p.Name}");
        }

        return segments;
    }

    /// <summary>The statement for a dialect, nested as a subquery so that only a query expression can run and a row cap applies.</summary>
    internal static string Render(DeclaredQuery query, ISqlDialect dialect)
    {
        if (query.Segments.Count == 0)
        {
            // Only Parse/Load produce checked statements; a hand-built DeclaredQuery has never been through the checks.
            throw new InvalidOperationException($"Declared query '{query.Name}' was not created by DeclaredQueries.Parse or Load.");
        }

        var sql = new StringBuilder("SELECT * FROM (\n");
        foreach ((string text, int? parameter) in query.Segments)
        {
            sql.Append(parameter is { } p ? dialect.Placeholder(p) : text);
        }

        // The newline keeps a trailing -- comment from swallowing the closing parenthesis.
        return sql.Append("\n) AS declared_query").ToString();
    }

    private static ColumnKind KindOf(DeclaredParameterType type) => type switch
    {
        DeclaredParameterType.Integer => ColumnKind.Integer,
        DeclaredParameterType.Number => ColumnKind.Decimal,
        DeclaredParameterType.Boolean => ColumnKind.Boolean,
        DeclaredParameterType.Date => ColumnKind.Date,
        DeclaredParameterType.DateTime => ColumnKind.TimestampTz,
        _ => ColumnKind.Text,
    };

    /// <summary>The statement with one typed NULL per declared parameter: what a backend prepares to check it without running it.</summary>
    internal static BuiltStatement WithTypedNulls(DeclaredQuery query, ISqlDialect dialect) =>
        new(Render(query, dialect), query.Parameters.Select(p => new SqlParameterValue(null, KindOf(p.Type))).ToList());

    /// <summary>Converts the model's arguments to typed parameters, one per declared parameter, in declaration order.</summary>
    internal static List<SqlParameterValue> Bind(DeclaredQuery query, IReadOnlyDictionary<string, JsonElement> arguments)
    {
        foreach (string key in arguments.Keys.Where(k => query.Parameters.All(p => p.Name != k)))
        {
            throw new ToolInputException($"`{Describe.Input(key)}` is not a parameter of {query.Name}. Parameters: {Describe.List(query.Parameters.Select(p => p.Name))}.");
        }

        var values = new List<SqlParameterValue>(query.Parameters.Count);
        foreach (DeclaredParameter p in query.Parameters)
        {
            ColumnKind kind = KindOf(p.Type);
            if (!arguments.TryGetValue(p.Name, out JsonElement value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                if (p.Required)
                {
                    throw new ToolInputException($"`{p.Name}` is required.");
                }

                values.Add(new SqlParameterValue(null, kind));
                continue;
            }

            if (p.Type == DeclaredParameterType.String && value.ValueKind != JsonValueKind.String)
            {
                throw new ToolInputException($"`{p.Name}` must be a string.");
            }

            object converted = ValueConverter.Convert(value, kind, $"`{p.Name}`", p.Type.ToString().ToLowerInvariant());
            CheckConstraints(p, value, converted);
            values.Add(new SqlParameterValue(converted, kind));
        }

        return values;
    }

    /// <summary>
    /// Defence in depth: the shared pipeline validates the advertised schema; the common string limits are re-checked
    /// here by the schema's own rules (code points; the pattern by the shared validator, since .NET regex semantics
    /// differ from ECMA-262's and a second engine would be a second, disagreeing rule).
    /// </summary>
    private static void CheckConstraints(DeclaredParameter p, JsonElement argument, object value)
    {
        if (value is not string text)
        {
            return;
        }

        if (p.Schema.TryGetProperty("enum", out JsonElement allowed) && allowed.ValueKind == JsonValueKind.Array
            && !allowed.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == text))
        {
            throw new ToolInputException($"`{p.Name}` must be one of: {string.Join(", ", allowed.EnumerateArray().Select(a => a.GetRawText()))}.");
        }

        // Characters are counted as JSON Schema counts them (code points), so the rule is the advertised schema's:
        // counting UTF-16 units refused 26 emoji under maxLength 30 after the schema had accepted them.
        if (p.Schema.TryGetProperty("maxLength", out JsonElement max) && max.TryGetInt32(out int maxLength) && text.EnumerateRunes().Count() > maxLength)
        {
            throw new ToolInputException($"`{p.Name}` must be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters.");
        }

        if (p.Schema.TryGetProperty("pattern", out JsonElement pattern) && p.Validator.Validate(argument).Count > 0)
        {
            throw new ToolInputException($"`{p.Name}` must match the pattern {pattern.GetString()}.");
        }
    }

    private static string? String(JsonElement tool, string property) =>
        tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty(property, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    [GeneratedRegex("^[a-z][a-z0-9_]{0,47}$")]
    private static partial Regex ToolName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex ParamName();
}

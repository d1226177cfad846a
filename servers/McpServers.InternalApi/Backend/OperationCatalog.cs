using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.InternalApi.Options;
using McpServers.Shared.Credentials;
using McpServers.Shared.Text;
using McpServers.Shared.Validation;
using Microsoft.OpenApi;

namespace McpServers.InternalApi.Backend;

/// <summary>
/// The selected operations of a document as tool definitions. An operation that cannot be served exactly (a schema
/// the validator cannot enforce, a cookie parameter, a non-JSON body, …) is skipped with the reason; it is never
/// advertised loosely.
/// </summary>
public sealed class OperationCatalog
{
    public const string BodyArgument = "body";
    private const int MaxDescriptionChars = 1024;

    // The model never sets these: credentials, routing and framing belong to the server.
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "Host", "Cookie", "Content-Length", "Content-Type", "Transfer-Encoding",
        "Connection", "Accept", "Accept-Encoding", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
    };

    private OperationCatalog(IReadOnlyList<ApiOperation> operations, IReadOnlyList<string> skipped, IReadOnlyList<string> warnings)
    {
        Operations = operations;
        Skipped = skipped;
        Warnings = warnings;
    }

    public IReadOnlyList<ApiOperation> Operations { get; }

    /// <summary>One line per selected operation that is not served, saying why.</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Configuration that had no effect (an override naming no served operation).</summary>
    public IReadOnlyList<string> Warnings { get; }

    public static OperationCatalog Build(OpenApiDocument document, InternalApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(options);
        var selector = new OperationSelector(options.Include, options.Exclude);
        var naming = new ToolNaming(options.ToolPrefix);
        var translator = new SchemaTranslator(document);
        string? apiKeyHeader = options.Auth.Mode == AuthMode.ApiKey && options.Auth.ApiKeyIn == ApiKeyLocation.Header ? options.Auth.ApiKeyName : null;
        var operations = new List<ApiOperation>();
        var skipped = new List<string>();
        var warnings = new List<string>();
        foreach (var (path, item) in document.Paths ?? [])
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                string[] tags = [.. operation.Tags?.Select(t => t.Name ?? "") ?? []];
                if (selector.Refusal(method, path, operation.OperationId, tags) is not null)
                {
                    continue;
                }

                try
                {
                    string name = naming.Next(operation.OperationId, method, path);
                    bool credentials = SendsCredentials(operation.Security ?? document.Security, options.Auth);
                    ApiOperation described = Describe(name, method, path, item, operation, translator, apiKeyHeader) with { SendCredentials = credentials };
                    operations.Add(Override(described, options.Operations, warnings));
                }
                catch (SchemaTranslationException e)
                {
                    skipped.Add($"{method.Method} {path}{(operation.OperationId is { } id ? $" ({id})" : "")}: {e.Message}");
                }
            }
        }

        warnings.AddRange(options.Operations.Keys
            .Where(key => !operations.Any(o => o.OperationId == key || o.ToolName == key))
            .Select(key => $"Operations:{key}: no served operation has this operationId or tool name; the override has no effect."));
        return new OperationCatalog(operations, skipped, warnings);
    }

    /// <summary>
    /// The operation's own <c>security</c> (else the document's). Absent: the configured credentials are sent. Empty
    /// (<c>security: []</c>): the operation is public and gets none. Otherwise one alternative must be met by the
    /// configured <c>Auth</c> (an empty alternative <c>{}</c> makes credentials optional), or the operation is
    /// skipped: it could only ever answer 401.
    /// </summary>
    private static bool SendsCredentials(IList<OpenApiSecurityRequirement>? requirements, AuthOptions auth)
    {
        if (requirements is null)
        {
            return true;
        }

        if (requirements.Count == 0)
        {
            return false;
        }

        if (requirements.Any(r => r.Count == 0 || r.Keys.All(scheme => Provides(auth, scheme))))
        {
            return true;
        }

        string wanted = string.Join(" or ", requirements.Select(r => string.Join(" + ", r.Keys.Select(scheme => $"'{scheme.Reference.Id}' ({scheme.Type})"))));
        throw new SchemaTranslationException($"it requires the security scheme {wanted}, which the configured Auth:Mode={auth.Mode} does not provide");
    }

    private static bool Provides(AuthOptions auth, OpenApiSecuritySchemeReference scheme) => scheme.Type switch
    {
        SecuritySchemeType.ApiKey => auth.Mode == AuthMode.ApiKey && scheme.In switch
        {
            ParameterLocation.Header => auth.ApiKeyIn == ApiKeyLocation.Header && string.Equals(scheme.Name, auth.ApiKeyName, StringComparison.OrdinalIgnoreCase),
            ParameterLocation.Query => auth.ApiKeyIn == ApiKeyLocation.Query && string.Equals(scheme.Name, auth.ApiKeyName, StringComparison.Ordinal),
            _ => false,
        },
        SecuritySchemeType.Http => string.Equals(scheme.Scheme, "bearer", StringComparison.OrdinalIgnoreCase) && auth.Mode is AuthMode.Bearer or AuthMode.ClientCredentials or AuthMode.OAuth,
        SecuritySchemeType.OAuth2 or SecuritySchemeType.OpenIdConnect => auth.Mode is AuthMode.Bearer or AuthMode.ClientCredentials or AuthMode.OAuth,
        _ => false,
    };

    /// <summary>
    /// The administrator's word on annotations (a read-only operation is never destructive) and on path parameters
    /// that may span several segments.
    /// </summary>
    private static ApiOperation Override(ApiOperation operation, Dictionary<string, OperationOverrides> overrides, List<string> warnings)
    {
        string? key = operation.OperationId is { } id && overrides.ContainsKey(id) ? id
            : overrides.ContainsKey(operation.ToolName) ? operation.ToolName : null;
        if (key is null)
        {
            return operation;
        }

        OperationOverrides own = overrides[key];
        foreach (string name in own.MultiSegmentPathParameters.Where(n => !operation.Parameters.Any(p => p.In == ParameterIn.Path && p.Name == n)))
        {
            warnings.Add($"Operations:{key}:MultiSegmentPathParameters: '{name}' is not a path parameter of {operation.Display}; it has no effect.");
        }

        bool readOnly = own.ReadOnly ?? operation.ReadOnly;
        return operation with
        {
            ReadOnly = readOnly,
            Destructive = !readOnly && (own.Destructive ?? operation.Destructive),
            Idempotent = own.Idempotent ?? (readOnly || operation.Idempotent),
            Parameters = [.. operation.Parameters.Select(p =>
                p.In == ParameterIn.Path && own.MultiSegmentPathParameters.Contains(p.Name) ? p with { MultiSegment = true } : p)],
        };
    }

    private static ApiOperation Describe(string name, HttpMethod method, string path, IOpenApiPathItem item, OpenApiOperation operation,
        SchemaTranslator translator, string? apiKeyHeader)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        var definitions = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        var parameters = new List<ApiParameter>();

        foreach (IOpenApiParameter parameter in MergedParameters(item, operation))
        {
            if (Declare(parameter, apiKeyHeader) is not { } declared)
            {
                continue;
            }

            if (parameter.Schema is null)
            {
                throw new SchemaTranslationException($"parameter '{parameter.Name}' has no schema (content-typed parameters are not supported)");
            }

            JsonNode schema = Translated(translator, parameter.Schema, definitions, $"parameter '{parameter.Name}'");
            CheckShape(declared, schema, definitions);
            AddProperty(properties, declared.Name, schema,
                Describe(parameter.Description, $"{declared.In} parameter '{declared.Name}'."));
            if (declared.Required)
            {
                required.Add((JsonNode)declared.Name);
            }

            parameters.Add(declared);
        }

        ApiBody? body = null;
        if (operation.RequestBody is { } requestBody)
        {
            KeyValuePair<string, IOpenApiMediaType>? json = requestBody.Content?.FirstOrDefault(c => IsJson(c.Key));
            if (json is { Key: { } contentType, Value.Schema: { } bodySchema })
            {
                JsonNode schema = Translated(translator, bodySchema, definitions, "the request body");
                AddProperty(properties, BodyArgument, schema, Describe(requestBody.Description, "The JSON request body."));
                body = new ApiBody(requestBody.Required, contentType);
                if (body.Required)
                {
                    required.Add((JsonNode)BodyArgument);
                }
            }
            else if (requestBody.Required)
            {
                throw new SchemaTranslationException("the request body is not JSON with a schema (only application/json bodies are supported)");
            }
        }

        var root = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            root["required"] = required;
        }

        if (definitions.Count > 0)
        {
            root["$defs"] = new JsonObject(definitions.OrderBy(d => d.Key, StringComparer.Ordinal)
                .Select(d => KeyValuePair.Create(d.Key, (JsonNode?)d.Value)));
        }

        JsonElement inputSchema = JsonSerializer.SerializeToElement(root, InternalApiJsonContext.Default.JsonObject);
        if (!JsonSchemaValidator.TryCompile(inputSchema, out _, out string? problem))
        {
            throw new SchemaTranslationException($"its input schema cannot be enforced: {problem}");
        }

        bool read = OperationSelector.IsRead(method);
        string summary = TextHygiene.Clean(operation.Summary).Trim();
        return new ApiOperation
        {
            ToolName = name,
            OperationId = operation.OperationId,
            Method = method,
            PathTemplate = path,
            Title = summary.Length > 0 ? TextHygiene.Truncate(summary, 80) : $"{method.Method} {path}",
            Description = ToolDescription(method, path, summary, operation.Description, read),
            Parameters = parameters,
            Body = body,
            InputSchema = inputSchema,
            ReadOnly = read,
            Destructive = method == HttpMethod.Delete,
            Idempotent = read || method == HttpMethod.Put || method == HttpMethod.Delete,
        };
    }

    /// <summary>Path-item parameters apply unless the operation redeclares the same name and location.</summary>
    private static IEnumerable<IOpenApiParameter> MergedParameters(IOpenApiPathItem item, OpenApiOperation operation)
    {
        List<IOpenApiParameter> own = [.. operation.Parameters ?? []];
        IEnumerable<IOpenApiParameter> inherited = (item.Parameters ?? [])
            .Where(p => !own.Any(o => o.Name == p.Name && o.In == p.In));
        return inherited.Concat(own);
    }

    /// <summary>How a parameter is passed; null for an optional one the model may not set (cookies, reserved headers).</summary>
    private static ApiParameter? Declare(IOpenApiParameter parameter, string? apiKeyHeader)
    {
        string name = parameter.Name ?? throw new SchemaTranslationException("a parameter has no name");
        ParameterIn? location = parameter.In switch
        {
            ParameterLocation.Path => ParameterIn.Path,
            ParameterLocation.Query => ParameterIn.Query,
            ParameterLocation.Header when !ReservedHeaders.Contains(name) && !string.Equals(name, apiKeyHeader, StringComparison.OrdinalIgnoreCase) => ParameterIn.Header,
            _ => null,
        };
        if (location is null)
        {
            return parameter.Required
                ? throw new SchemaTranslationException($"the required {parameter.In} parameter '{name}' cannot be passed by the model (cookies and credential or routing headers are set by the server)")
                : null;
        }

        QueryStyle style = parameter.Style switch
        {
            null or ParameterStyle.Form or ParameterStyle.Simple => QueryStyle.Form,
            ParameterStyle.SpaceDelimited when location == ParameterIn.Query => QueryStyle.SpaceDelimited,
            ParameterStyle.PipeDelimited when location == ParameterIn.Query => QueryStyle.PipeDelimited,
            _ => throw new SchemaTranslationException($"parameter '{name}' uses style {parameter.Style}, which is not supported"),
        };
        return new ApiParameter(name, location.Value, parameter.Required || location == ParameterIn.Path, style,
            parameter.Style is null or ParameterStyle.Form ? parameter.Explode : parameter.Explode && style == QueryStyle.Form);
    }

    /// <summary>Scalars everywhere, arrays of scalars only in the query: what the request builder can write unambiguously.</summary>
    private static void CheckShape(ApiParameter parameter, JsonNode schema, Dictionary<string, JsonNode> definitions)
    {
        JsonNode resolved = schema["$ref"]?.GetValue<string>() is { } reference && definitions.TryGetValue(reference["#/$defs/".Length..], out JsonNode? target)
            ? target
            : schema;
        string[] types = resolved["type"] switch
        {
            JsonValue single => [single.GetValue<string>()],
            JsonArray many => [.. many.Select(t => t?.GetValue<string>() ?? "")],
            _ => [],
        };
        if (types.Contains("object") || (types.Contains("array") && parameter.In != ParameterIn.Query))
        {
            throw new SchemaTranslationException($"parameter '{parameter.Name}' is {string.Join("/", types)} in the {parameter.In.ToString().ToLowerInvariant()}, which is not supported");
        }
    }

    private static JsonNode Translated(SchemaTranslator translator, IOpenApiSchema schema, Dictionary<string, JsonNode> definitions, string what)
    {
        try
        {
            return translator.Translate(schema, definitions);
        }
        catch (SchemaTranslationException e)
        {
            throw new SchemaTranslationException($"{what}: {e.Message}");
        }
    }

    private static void AddProperty(JsonObject properties, string name, JsonNode schema, string description)
    {
        if (properties.ContainsKey(name))
        {
            throw new SchemaTranslationException($"two inputs are named '{name}' (a parameter in two locations, or a parameter called '{BodyArgument}')");
        }

        if (schema is JsonObject obj && !obj.ContainsKey("description"))
        {
            // A $ref with siblings is fine in 2020-12: the description is an annotation beside it.
            obj["description"] = description;
        }

        properties[name] = schema;
    }

    private static string Describe(string? documented, string fallback)
    {
        string text = TextHygiene.Clean(documented).Trim();
        return text.Length == 0 ? fallback : TextHygiene.Truncate(text, 500);
    }

    private static string ToolDescription(HttpMethod method, string path, string summary, string? description, bool read)
    {
        string detail = TextHygiene.Clean(description).Trim();
        string text = string.Join("\n\n", new[] { summary, detail }.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal));
        string call = $"Calls {method.Method} {path} on the internal API{(read ? "" : " (changes data)")}; returns the response body as JSON (capped).";
        return TextHygiene.Truncate(text.Length == 0 ? call : text + "\n\n" + call, MaxDescriptionChars);
    }

    private static bool IsJson(string contentType) =>
        contentType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || (contentType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && contentType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}

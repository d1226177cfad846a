using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace McpServers.InternalApi.Backend;

/// <summary>
/// OpenAPI schemas → the JSON Schema the shared validator enforces. Schemas are written as OpenAPI 3.1 (where
/// they are JSON Schema 2020-12; 3.0's <c>nullable</c> is already a type union), component references become
/// <c>$defs</c>, and OpenAPI-only annotations are dropped. Anything that would constrain a value in a way the
/// validator does not enforce is left in, so that the validator refuses it and the operation is skipped (fail closed).
/// Formats outside JSON Schema's own list (<c>snowflake</c>, <c>byte</c>, …) are annotations in 2020-12 and are dropped.
/// </summary>
public sealed class SchemaTranslator
{
    private const string ComponentPrefix = "#/components/schemas/";

    // Pure annotations in OpenAPI: they describe, never constrain.
    private static readonly HashSet<string> DroppedKeywords = new(StringComparer.Ordinal)
    {
        "example", "discriminator", "xml", "externalDocs", "$schema", "contentMediaType",
    };

    // Keywords whose value is one schema / a map of schemas / a list of schemas.
    private static readonly HashSet<string> SchemaKeywords = new(StringComparer.Ordinal) { "items", "additionalProperties", "not" };
    private static readonly HashSet<string> SchemaMapKeywords = new(StringComparer.Ordinal) { "properties", "$defs" };
    private static readonly HashSet<string> SchemaListKeywords = new(StringComparer.Ordinal) { "allOf", "anyOf", "oneOf", "prefixItems" };

    // The formats JSON Schema 2020-12 defines (§7.3). Those the validator does not enforce (ipv4, hostname, …) stay in,
    // so the operation is skipped rather than advertised with a check a client may rely on.
    private static readonly HashSet<string> JsonSchemaFormats = new(StringComparer.Ordinal)
    {
        "date-time", "date", "time", "duration", "email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6",
        "uri", "uri-reference", "iri", "iri-reference", "uuid", "uri-template", "json-pointer", "relative-json-pointer", "regex",
    };

    private readonly IDictionary<string, IOpenApiSchema> _components;

    public SchemaTranslator(OpenApiDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        _components = document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>();
    }

    /// <summary>Translates one schema; the names of components it references (directly or not) are added to <paramref name="definitions"/>.</summary>
    public JsonNode Translate(IOpenApiSchema schema, IDictionary<string, JsonNode> definitions)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(definitions);
        JsonNode node = Write(schema);
        var pending = new Queue<string>();
        Rewrite(node, definitions, pending);
        while (pending.TryDequeue(out string? name))
        {
            if (definitions.ContainsKey(name))
            {
                continue;
            }

            if (!_components.TryGetValue(name, out IOpenApiSchema? component))
            {
                throw new SchemaTranslationException($"the reference to component schema '{name}' points to nothing");
            }

            // Placeholder first: a recursive schema refers to itself.
            definitions[name] = new JsonObject();
            JsonNode translated = WriteInline(component);
            Rewrite(translated, definitions, pending);
            definitions[name] = translated;
        }

        return node;
    }

    private static JsonNode Write(IOpenApiSchema schema)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        schema.SerializeAsV31(new OpenApiJsonWriter(text));
        return JsonNode.Parse(text.ToString()) ?? new JsonObject();
    }

    /// <summary>A component itself (not a reference to it), so that its definition is its body.</summary>
    private static JsonNode WriteInline(IOpenApiSchema schema) =>
        schema is OpenApiSchemaReference { Target: { } target } ? Write(target) : Write(schema);

    private static void Rewrite(JsonNode? node, IDictionary<string, JsonNode> definitions, Queue<string> pending)
    {
        if (node is not JsonObject schema)
        {
            return;
        }

        // Microsoft.OpenApi writes keywords it does not model under "unrecognizedKeywords": put them back where
        // they were, so that the validator names the real keyword when it refuses one.
        if (schema["unrecognizedKeywords"] is JsonObject unrecognized)
        {
            schema.Remove("unrecognizedKeywords");
            foreach (var (keyword, value) in unrecognized)
            {
                schema.TryAdd(keyword, value?.DeepClone());
            }
        }

        foreach (string keyword in schema.Select(p => p.Key).ToList())
        {
            if (DroppedKeywords.Contains(keyword) || keyword.StartsWith("x-", StringComparison.Ordinal))
            {
                schema.Remove(keyword);
            }
        }

        if (schema["$ref"] is JsonValue reference && reference.TryGetValue(out string? target))
        {
            if (!target.StartsWith(ComponentPrefix, StringComparison.Ordinal))
            {
                throw new SchemaTranslationException($"the reference \"{target}\" is not to a component schema of this document");
            }

            string name = target[ComponentPrefix.Length..];
            schema["$ref"] = "#/$defs/" + name;
            if (!definitions.ContainsKey(name))
            {
                pending.Enqueue(name);
            }
        }

        TranslateNullable(schema);
        TranslateFormat(schema);

        foreach (string keyword in SchemaKeywords)
        {
            Rewrite(schema[keyword], definitions, pending);
        }

        foreach (string keyword in SchemaMapKeywords)
        {
            if (schema[keyword] is JsonObject map)
            {
                foreach (var (_, child) in map)
                {
                    Rewrite(child, definitions, pending);
                }
            }
        }

        foreach (string keyword in SchemaListKeywords)
        {
            if (schema[keyword] is JsonArray list)
            {
                foreach (JsonNode? child in list)
                {
                    Rewrite(child, definitions, pending);
                }
            }
        }
    }

    /// <summary>OpenAPI 3.0 <c>nullable: true</c>, should it survive the reader: a type union with null.</summary>
    private static void TranslateNullable(JsonObject schema)
    {
        if (schema["nullable"] is not JsonValue nullable)
        {
            return;
        }

        schema.Remove("nullable");
        if (!nullable.TryGetValue(out bool isNullable) || !isNullable)
        {
            return;
        }

        switch (schema["type"])
        {
            case JsonValue single when single.TryGetValue(out string? type):
                schema["type"] = new JsonArray(type, "null");
                break;
            case JsonArray types when !types.Any(t => t?.GetValue<string>() == "null"):
                types.Add((JsonNode)"null");
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// OpenAPI's numeric formats: int32/int64 become the range they imply (enforced); float/double and password
    /// are annotations. JSON Schema's own formats stay, and the validator refuses those it does not enforce; any
    /// other format (a vendor's, e.g. Discord's snowflake, usually beside a pattern that does constrain the value)
    /// is only an annotation in 2020-12 and is dropped, so the rest of the schema is advertised and enforced.
    /// </summary>
    private static void TranslateFormat(JsonObject schema)
    {
        if (schema["format"] is not JsonValue value || !value.TryGetValue(out string? format))
        {
            return;
        }

        switch (format)
        {
            case "int32":
                schema.Remove("format");
                schema.TryAdd("minimum", int.MinValue);
                schema.TryAdd("maximum", int.MaxValue);
                break;
            case "int64":
                schema.Remove("format");
                schema.TryAdd("minimum", long.MinValue);
                schema.TryAdd("maximum", long.MaxValue);
                break;
            case "float" or "double" or "password":
                schema.Remove("format");
                break;
            case var known when JsonSchemaFormats.Contains(known):
                break;
            default:
                schema.Remove("format");
                break;
        }
    }
}

/// <summary>An OpenAPI schema that cannot be turned into an enforceable JSON Schema; the message says why.</summary>
public sealed class SchemaTranslationException : Exception
{
    public SchemaTranslationException(string message) : base(message) { }

    public SchemaTranslationException() { }

    public SchemaTranslationException(string message, Exception innerException) : base(message, innerException) { }
}

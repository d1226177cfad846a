using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace McpServers.Shared.Validation;

/// <summary>
/// Turns a schema document into <see cref="SchemaNode"/>s. Every keyword is either enforced or explicitly accepted as
/// an annotation; anything else throws <see cref="UnsupportedSchemaException"/> so no constraint is advertised that
/// is not checked (fail closed). Nodes are cached by JSON Pointer so local $refs, including recursive ones, share them.
/// </summary>
internal sealed class SchemaCompiler
{
    // Deeper schemas than this are almost certainly generated garbage; refusing them also bounds compile recursion.
    private const int MaxSchemaDepth = 128;

    private static readonly HashSet<string> AnnotationKeywords = new(StringComparer.Ordinal)
    {
        "$comment", "title", "description", "default", "examples", "readOnly", "writeOnly", "deprecated",
    };

    private readonly JsonElement _root;
    private readonly string? _rootId;
    private readonly Dictionary<string, SchemaNode> _nodes = new(StringComparer.Ordinal);

    private SchemaCompiler(JsonElement root)
    {
        _root = root;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("$id", out JsonElement id))
        {
            _rootId = id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            if (_rootId is null || _rootId.AsSpan().TrimEnd('#').Contains('#'))
            {
                throw new UnsupportedSchemaException("$id", "#", "$id must be a string without a fragment");
            }

            _rootId = _rootId.TrimEnd('#');
        }
    }

    /// <summary>Compiles a schema that must outlive its document, so pass a cloned element.</summary>
    public static SchemaNode Compile(JsonElement root)
    {
        try
        {
            var compiler = new SchemaCompiler(root);
            SchemaNode node = compiler.GetOrCompile(root, "#", 0);
            compiler.RejectInPlaceCycles();
            return node;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to decode a name or string holding an unpaired surrogate escape.
            throw new UnsupportedSchemaException("", "#", "the schema holds text that is not valid Unicode (an unpaired UTF-16 surrogate escape)");
        }
    }

    private SchemaNode GetOrCompile(JsonElement schema, string location, int depth)
    {
        if (_nodes.TryGetValue(location, out SchemaNode? existing))
        {
            return existing;
        }

        if (depth > MaxSchemaDepth)
        {
            throw new UnsupportedSchemaException("", location, $"the schema nests deeper than {MaxSchemaDepth} levels");
        }

        var node = new SchemaNode(location);
        // Registered before its children are compiled so a $ref back to it (recursion) finds it.
        _nodes[location] = node;
        Fill(node, schema, depth);
        return node;
    }

    private void Fill(SchemaNode node, JsonElement schema, int depth)
    {
        string at = node.Location;
        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
                node.Boolean = true;
                return;
            case JsonValueKind.False:
                node.Boolean = false;
                return;
            case JsonValueKind.Object:
                break;
            default:
                throw new UnsupportedSchemaException("", at, "a schema must be an object or a boolean");
        }

        foreach (JsonProperty keyword in schema.EnumerateObject())
        {
            string name = keyword.Name;
            JsonElement value = keyword.Value;
            string here = at + "/" + EscapeToken(name);
            if (AnnotationKeywords.Contains(name))
            {
                continue;
            }

            switch (name)
            {
                case "$schema":
                    string? dialect = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                    if (dialect is not ("https://json-schema.org/draft/2020-12/schema" or "https://json-schema.org/draft/2020-12/schema#"))
                    {
                        throw new UnsupportedSchemaException(name, here, "only draft 2020-12 schemas are supported");
                    }

                    break;
                case "$id":
                    if (at != "#")
                    {
                        // A nested $id starts a new resource with its own base URI for $ref; we only resolve local pointers.
                        throw new UnsupportedSchemaException(name, here, "$id is only supported on the root schema");
                    }

                    break;
                case "$defs" or "definitions":
                    foreach (JsonProperty def in RequireKind(value, JsonValueKind.Object, name, here).EnumerateObject())
                    {
                        GetOrCompile(def.Value, here + "/" + EscapeToken(def.Name), depth + 1);
                    }

                    break;
                case "$ref":
                    node.Ref = CompileRef(RequireString(value, name, here), here, depth);
                    break;
                case "type":
                    node.Types = ParseTypes(value, here);
                    break;
                case "enum":
                    node.Enum = [.. RequireKind(value, JsonValueKind.Array, name, here).EnumerateArray()];
                    foreach (JsonElement option in node.Enum)
                    {
                        RequireMatchable(option, name, here);
                    }

                    break;
                case "const":
                    RequireMatchable(value, name, here);
                    node.Const = value;
                    break;
                case "minLength":
                    node.MinLength = RequireCount(value, name, here);
                    break;
                case "maxLength":
                    node.MaxLength = RequireCount(value, name, here);
                    break;
                case "pattern":
                    // Compiled after the loop: whether it may run on the backtracking engine depends on maxLength.
                    node.PatternText = RequireString(value, name, here);
                    break;
                case "format":
                    if (!Formats.TryParseName(RequireString(value, name, here), out FormatKind format))
                    {
                        throw new UnsupportedSchemaException(name, here,
                            $"format \"{value.GetString()}\" is not enforced (supported: date, date-time, email, uri, uuid)");
                    }

                    node.Format = format;
                    break;
                case "minimum":
                    node.Minimum = RequireNumber(value, name, here);
                    break;
                case "maximum":
                    node.Maximum = RequireNumber(value, name, here);
                    break;
                case "exclusiveMinimum":
                    node.ExclusiveMinimum = RequireNumber(value, name, here);
                    break;
                case "exclusiveMaximum":
                    node.ExclusiveMaximum = RequireNumber(value, name, here);
                    break;
                case "multipleOf":
                    JsonNumber divisor = RequireNumber(value, name, here);
                    if (divisor.Sign <= 0)
                    {
                        throw new UnsupportedSchemaException(name, here, "multipleOf must be greater than 0");
                    }

                    node.MultipleOf = divisor;
                    break;
                case "properties":
                    var properties = new List<KeyValuePair<string, SchemaNode>>();
                    var lookup = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
                    foreach (JsonProperty property in RequireKind(value, JsonValueKind.Object, name, here).EnumerateObject())
                    {
                        SchemaNode child = GetOrCompile(property.Value, here + "/" + EscapeToken(property.Name), depth + 1);
                        properties.Add(new(property.Name, child));
                        lookup[property.Name] = child;
                    }

                    node.Properties = properties;
                    node.PropertyLookup = lookup;
                    break;
                case "required":
                    var required = new List<string>();
                    foreach (JsonElement item in RequireKind(value, JsonValueKind.Array, name, here).EnumerateArray())
                    {
                        required.Add(RequireString(item, name, here));
                    }

                    node.Required = required;
                    break;
                case "additionalProperties":
                    node.AdditionalProperties = GetOrCompile(value, here, depth + 1);
                    break;
                case "minProperties":
                    node.MinProperties = RequireCount(value, name, here);
                    break;
                case "maxProperties":
                    node.MaxProperties = RequireCount(value, name, here);
                    break;
                case "items":
                    if (value.ValueKind == JsonValueKind.Array)
                    {
                        throw new UnsupportedSchemaException(name, here, "the array form of items is pre-2020-12; use prefixItems");
                    }

                    node.Items = GetOrCompile(value, here, depth + 1);
                    break;
                case "prefixItems":
                    node.PrefixItems = CompileList(value, name, here, depth);
                    break;
                case "minItems":
                    node.MinItems = RequireCount(value, name, here);
                    break;
                case "maxItems":
                    node.MaxItems = RequireCount(value, name, here);
                    break;
                case "uniqueItems":
                    node.UniqueItems = value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw new UnsupportedSchemaException(name, here, "uniqueItems must be true or false"),
                    };
                    break;
                case "allOf":
                    node.AllOf = CompileList(value, name, here, depth);
                    break;
                case "anyOf":
                    node.AnyOf = CompileList(value, name, here, depth);
                    break;
                case "oneOf":
                    node.OneOf = CompileList(value, name, here, depth);
                    break;
                case "not":
                    node.Not = GetOrCompile(value, here, depth + 1);
                    node.Not.SourceText = Compact(value);
                    break;
                default:
                    throw new UnsupportedSchemaException(name, here, "this keyword is not enforced by the validator");
            }
        }

        if (node.PatternText is { } pattern)
        {
            try
            {
                node.Pattern = EcmaRegex.Create(pattern, node.MaxLength);
            }
            catch (ArgumentException ex)
            {
                throw new UnsupportedSchemaException("pattern", at + "/pattern", $"the pattern {pattern} cannot be enforced exactly: {ex.Message}");
            }
        }
    }

    private List<SchemaNode> CompileList(JsonElement value, string name, string here, int depth)
    {
        var nodes = new List<SchemaNode>();
        int index = 0;
        foreach (JsonElement item in RequireKind(value, JsonValueKind.Array, name, here).EnumerateArray())
        {
            nodes.Add(GetOrCompile(item, here + "/" + index++, depth + 1));
        }

        if (nodes.Count == 0)
        {
            throw new UnsupportedSchemaException(name, here, $"{name} must list at least one schema");
        }

        return nodes;
    }

    private SchemaNode CompileRef(string reference, string here, int depth)
    {
        int hash = reference.IndexOf('#', StringComparison.Ordinal);
        string resource = hash >= 0 ? reference[..hash] : reference;
        if (resource.Length > 0 && resource != _rootId)
        {
            throw new UnsupportedSchemaException("$ref", here, $"only local references are supported (got \"{reference}\")");
        }

        string fragment = hash >= 0 ? Uri.UnescapeDataString(reference[(hash + 1)..]) : string.Empty;
        if (fragment.Length > 0 && fragment[0] != '/')
        {
            throw new UnsupportedSchemaException("$ref", here, $"anchor references are not supported (got \"{reference}\")");
        }

        JsonElement target = _root;
        var location = new StringBuilder("#");
        if (fragment.Length > 0)
        {
            foreach (string rawToken in fragment[1..].Split('/'))
            {
                string token = rawToken.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                if (!TryStep(target, token, out target))
                {
                    throw new UnsupportedSchemaException("$ref", here, $"the reference \"{reference}\" points to nothing");
                }

                location.Append('/').Append(EscapeToken(token));
            }
        }

        return GetOrCompile(target, location.ToString(), depth + 1);
    }

    private static bool TryStep(JsonElement current, string token, out JsonElement next)
    {
        next = default;
        switch (current.ValueKind)
        {
            case JsonValueKind.Object:
                return current.TryGetProperty(token, out next);
            case JsonValueKind.Array:
                // RFC 6901: array indexes are decimal without leading zeros.
                if (token.Length == 0 || (token.Length > 1 && token[0] == '0') || !token.All(char.IsAsciiDigit)
                    || !int.TryParse(token, out int index) || index >= current.GetArrayLength())
                {
                    return false;
                }

                next = current[index];
                return true;
            default:
                return false;
        }
    }

    // A $ref/allOf/anyOf/oneOf/not cycle re-applies a schema to the same value forever ({"$ref": "#"} at the root).
    private void RejectInPlaceCycles()
    {
        var state = new Dictionary<SchemaNode, bool>(); // false = on the current path, true = finished
        foreach (SchemaNode node in _nodes.Values)
        {
            Visit(node);
        }

        void Visit(SchemaNode node)
        {
            if (state.TryGetValue(node, out bool done))
            {
                if (!done)
                {
                    throw new UnsupportedSchemaException("$ref", node.Location,
                        "the schema refers to itself without descending into a property or item, which never terminates");
                }

                return;
            }

            state[node] = false;
            foreach (SchemaNode child in node.InPlaceChildren())
            {
                Visit(child);
            }

            state[node] = true;
        }
    }

    // An enum or const value that arguments could never equal (they are screened for repeated names, invalid Unicode,
    // oversized numbers and depth) is a schema mistake, and comparing it later could fail; refuse it now.
    private static void RequireMatchable(JsonElement value, string keyword, string here)
    {
        if (InstanceScreen.Check(value, string.Empty, new WorkMeter(long.MaxValue)) is { } problem)
        {
            throw new UnsupportedSchemaException(keyword, here, $"{keyword} holds a value no argument can match: {problem.Message}");
        }
    }

    private static JsonTypes ParseTypes(JsonElement value, string here)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return ParseType(value.GetString()!, here);
        }

        JsonTypes types = JsonTypes.None;
        foreach (JsonElement item in RequireKind(value, JsonValueKind.Array, "type", here).EnumerateArray())
        {
            types |= ParseType(RequireString(item, "type", here), here);
        }

        if (types == JsonTypes.None)
        {
            throw new UnsupportedSchemaException("type", here, "type must name at least one type");
        }

        return types;
    }

    private static JsonTypes ParseType(string name, string here) => name switch
    {
        "null" => JsonTypes.Null,
        "boolean" => JsonTypes.Boolean,
        "object" => JsonTypes.Object,
        "array" => JsonTypes.Array,
        "number" => JsonTypes.Number,
        "string" => JsonTypes.String,
        "integer" => JsonTypes.Integer,
        _ => throw new UnsupportedSchemaException("type", here, $"unknown type \"{name}\""),
    };

    private static JsonElement RequireKind(JsonElement value, JsonValueKind kind, string keyword, string here) =>
        value.ValueKind == kind
            ? value
            : throw new UnsupportedSchemaException(keyword, here, $"{keyword} must be a JSON {kind.ToString().ToLowerInvariant()}");

    private static string RequireString(JsonElement value, string keyword, string here)
    {
        try
        {
            return RequireKind(value, JsonValueKind.String, keyword, here).GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new UnsupportedSchemaException(keyword, here, $"{keyword} is not valid Unicode text (an unpaired UTF-16 surrogate)");
        }
    }

    private static JsonNumber RequireNumber(JsonElement value, string keyword, string here) =>
        JsonNumber.From(RequireKind(value, JsonValueKind.Number, keyword, here));

    private static long RequireCount(JsonElement value, string keyword, string here)
    {
        JsonNumber number = RequireNumber(value, keyword, here);
        if (!number.IsInteger || number.Sign < 0)
        {
            throw new UnsupportedSchemaException(keyword, here, $"{keyword} must be a non-negative integer");
        }

        // Counts beyond long are unreachable by any real value, so clamping keeps the meaning.
        return number.Digits + number.Exponent > 18 ? long.MaxValue : (long)(number.Mantissa * System.Numerics.BigInteger.Pow(10, (int)number.Exponent));
    }

    internal static string EscapeToken(string token) =>
        token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    internal static string Compact(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps non-ASCII readable; the text only ever goes into a message, never into HTML.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

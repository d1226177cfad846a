using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// JSON Schema calls <c>5.0</c> and <c>1e0</c> integers, so they pass validation, but .NET binding refuses them for
/// an <c>int</c> parameter. Where the advertised schema says <c>integer</c>, such values are rewritten to their
/// integer spelling before binding (top-level parameters, nested properties, array items, local <c>$ref</c>).
/// </summary>
internal static class IntegerArguments
{
    private const int MaxDepth = 64;

    /// <summary>The arguments with integer-valued numbers respelled, or null when nothing needed it.</summary>
    public static Dictionary<string, JsonElement>? Normalise(JsonElement schema, IDictionary<string, JsonElement> arguments)
    {
        Dictionary<string, JsonElement>? changed = null;
        foreach (var (name, value) in arguments)
        {
            JsonElement? child = Child(schema, schema, "properties", name, depth: 0);
            if (child is null || !NeedsChange(schema, child.Value, value, 0))
            {
                continue;
            }

            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                Write(writer, schema, child.Value, value, 0);
            }

            using JsonDocument document = JsonDocument.Parse(buffer.WrittenMemory);
            changed ??= new Dictionary<string, JsonElement>(arguments, StringComparer.Ordinal);
            changed[name] = document.RootElement.Clone();
        }

        return changed;
    }

    private static bool NeedsChange(JsonElement root, JsonElement schema, JsonElement value, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return SaysInteger(root, schema, 0) && Integer(value) is { } spelled && spelled != value.GetRawText();
            case JsonValueKind.Object:
                foreach (JsonProperty p in value.EnumerateObject())
                {
                    if (PropertySchema(root, schema, p.Name) is { } s && NeedsChange(root, s, p.Value, depth + 1))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in value.EnumerateArray())
                {
                    if (ItemSchema(root, schema, i++) is { } s && NeedsChange(root, s, item, depth + 1))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonElement root, JsonElement? schema, JsonElement value, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when schema is { } s && depth <= MaxDepth && SaysInteger(root, s, 0) && Integer(value) is { } spelled:
                writer.WriteRawValue(spelled);
                break;
            case JsonValueKind.Object when depth <= MaxDepth:
                writer.WriteStartObject();
                foreach (JsonProperty p in value.EnumerateObject())
                {
                    writer.WritePropertyName(p.Name);
                    Write(writer, root, schema is { } o ? PropertySchema(root, o, p.Name) : null, p.Value, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array when depth <= MaxDepth:
                writer.WriteStartArray();
                int i = 0;
                foreach (JsonElement item in value.EnumerateArray())
                {
                    Write(writer, root, schema is { } a ? ItemSchema(root, a, i) : null, item, depth + 1);
                    i++;
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    /// <summary>The integer spelling of an integer-valued number, or null (not integral, or beyond decimal's range).</summary>
    private static string? Integer(JsonElement value) =>
        decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d) && d == decimal.Truncate(d)
            ? decimal.Truncate(d).ToString("0", CultureInfo.InvariantCulture)
            : null;

    private static bool SaysInteger(JsonElement root, JsonElement schema, int depth)
    {
        JsonElement s = Resolve(root, schema);
        if (s.ValueKind != JsonValueKind.Object || depth > MaxDepth)
        {
            return false;
        }

        if (s.TryGetProperty("type", out JsonElement type)
            && (type.ValueKind == JsonValueKind.String ? type.ValueEquals("integer") : type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.ValueEquals("integer"))))
        {
            return true;
        }

        return Branches(s).Any(b => SaysInteger(root, b, depth + 1));
    }

    private static JsonElement? PropertySchema(JsonElement root, JsonElement schema, string name) =>
        Child(root, schema, "properties", name, 0) ?? AdditionalProperties(root, schema);

    private static JsonElement? AdditionalProperties(JsonElement root, JsonElement schema)
    {
        JsonElement s = Resolve(root, schema);
        return s.ValueKind == JsonValueKind.Object && s.TryGetProperty("additionalProperties", out JsonElement a) && a.ValueKind == JsonValueKind.Object ? a : null;
    }

    private static JsonElement? ItemSchema(JsonElement root, JsonElement schema, int index)
    {
        JsonElement s = Resolve(root, schema);
        if (s.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (s.TryGetProperty("prefixItems", out JsonElement prefix) && prefix.ValueKind == JsonValueKind.Array && index < prefix.GetArrayLength())
        {
            return prefix[index];
        }

        if (s.TryGetProperty("items", out JsonElement items) && items.ValueKind == JsonValueKind.Object)
        {
            return items;
        }

        return Branches(s).Select(b => ItemSchema(root, b, index)).FirstOrDefault(i => i is not null);
    }

    /// <summary>A named child under <paramref name="keyword"/>, looking into combinator branches too.</summary>
    private static JsonElement? Child(JsonElement root, JsonElement schema, string keyword, string name, int depth)
    {
        JsonElement s = Resolve(root, schema);
        if (s.ValueKind != JsonValueKind.Object || depth > MaxDepth)
        {
            return null;
        }

        if (s.TryGetProperty(keyword, out JsonElement children) && children.ValueKind == JsonValueKind.Object
            && children.TryGetProperty(name, out JsonElement child))
        {
            return child;
        }

        return Branches(s).Select(b => Child(root, b, keyword, name, depth + 1)).FirstOrDefault(c => c is not null);
    }

    private static IEnumerable<JsonElement> Branches(JsonElement schema)
    {
        foreach (string keyword in (string[])["anyOf", "oneOf", "allOf"])
        {
            if (schema.TryGetProperty(keyword, out JsonElement list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement branch in list.EnumerateArray())
                {
                    yield return branch;
                }
            }
        }
    }

    /// <summary>Follows a local <c>$ref</c> (<c>#/$defs/x</c>, a few hops at most).</summary>
    private static JsonElement Resolve(JsonElement root, JsonElement schema)
    {
        for (int hop = 0; hop < 8 && schema.ValueKind == JsonValueKind.Object
            && schema.TryGetProperty("$ref", out JsonElement reference) && reference.GetString() is { } r && r.StartsWith("#/", StringComparison.Ordinal); hop++)
        {
            JsonElement target = root;
            foreach (string segment in r[2..].Split('/'))
            {
                string name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                if (target.ValueKind != JsonValueKind.Object || !target.TryGetProperty(name, out target))
                {
                    return default;
                }
            }

            schema = target;
        }

        return schema;
    }
}

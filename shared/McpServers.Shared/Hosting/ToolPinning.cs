using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using McpServers.Shared.Validation;

namespace McpServers.Shared.Hosting;

/// <summary>
/// Change control of tool definitions: a changed description or schema can change what a model does as much as new
/// code, so an administrator pins the reviewed <c>--print-tools</c> manifest and the server refuses to start when its
/// tools/list differs. The comparison is semantic JSON: member order does not matter, numbers compare as numbers
/// (1 equals 1.0), tools are matched by name.
/// </summary>
public static class ToolPinning
{
    private const int Shown = 60;

    // Escapes every non-ASCII and control character, so text from a manifest cannot drive the terminal it is shown on.
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.Default };

    /// <summary>
    /// Every difference between the <paramref name="approved"/> manifest and the <paramref name="current"/> tools/list
    /// result, one line each, naming the tool and what changed (for schemas and annotations, the JSON pointer of the
    /// first differing place); empty when they are equal.
    /// </summary>
    /// <exception cref="InvalidDataException">Either is not a tools/list result (an object with a <c>tools</c> array of named tools).</exception>
    public static IReadOnlyList<string> Compare(JsonElement approved, JsonElement current)
    {
        Dictionary<string, JsonElement> before = Tools(approved);
        Dictionary<string, JsonElement> now = Tools(current);
        var differences = new List<string>();
        foreach (var (name, tool) in before)
        {
            if (!now.TryGetValue(name, out JsonElement served))
            {
                differences.Add($"tool '{name}' removed: it is in the approved manifest but not served now");
                continue;
            }

            foreach (string member in Members(tool, served))
            {
                JsonElement? a = tool.TryGetProperty(member, out JsonElement x) ? x : null;
                JsonElement? b = served.TryGetProperty(member, out JsonElement y) ? y : null;
                if (FirstDifference(a, b, string.Empty) is var (pointer, was, isNow))
                {
                    string where = pointer.Length > 0 ? $" at {pointer}" : string.Empty;
                    differences.Add($"tool '{name}': {member} changed{where}: approved {was}, now {isNow}");
                }
            }
        }

        differences.AddRange(now.Keys.Where(name => !before.ContainsKey(name))
            .Select(name => $"tool '{name}' added: it is served now but not in the approved manifest"));
        return differences;
    }

    /// <summary>
    /// Reads an approved manifest; a missing, unreadable or malformed file is a <see cref="ConfigurationException"/>
    /// naming <paramref name="setting"/>, the switch or setting that named the file.
    /// </summary>
    public static JsonDocument ReadManifest(string path, string setting)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(setting);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(Path.GetFullPath(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigurationException($"{setting}: the approved tool manifest '{path}' cannot be read ({e.Message}).");
        }

        JsonDocument document;
        try
        {
            // A name given twice would make the reviewed file say two things at once.
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is { } line ? $"at line {line + 1}, position {e.BytePositionInLine + 1}" : $"({e.Message})";
            throw new ConfigurationException($"{setting}: '{path}' is not valid JSON {where}; write it with --print-tools.");
        }

        try
        {
            _ = Tools(document.RootElement);
            return document;
        }
        catch (InvalidDataException e)
        {
            document.Dispose();
            throw new ConfigurationException($"{setting}: '{path}' is not a tool manifest: {e.Message} Write it with --print-tools.");
        }
    }

    private static Dictionary<string, JsonElement> Tools(JsonElement manifest)
    {
        if (manifest.ValueKind != JsonValueKind.Object || !manifest.TryGetProperty("tools", out JsonElement tools) || tools.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("it must be a JSON object with a \"tools\" array.");
        }

        var byName = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonElement tool in tools.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("name", out JsonElement name) || name.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException("every entry of \"tools\" must be an object with a string \"name\".");
            }

            if (!byName.TryAdd(name.GetString()!, tool))
            {
                throw new InvalidDataException($"the tool '{name.GetString()}' is listed twice.");
            }
        }

        return byName;
    }

    /// <summary>The members of two tools, except the name that matched them: the familiar ones first, in a fixed order.</summary>
    private static IEnumerable<string> Members(JsonElement a, JsonElement b)
    {
        string[] known = ["title", "description", "inputSchema", "outputSchema", "annotations"];
        IEnumerable<string> others = a.EnumerateObject().Concat(b.EnumerateObject()).Select(p => p.Name)
            .Where(n => n != "name" && !known.Contains(n)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return known.Concat(others);
    }

    /// <summary>The first place (a JSON pointer below the member) where two values differ, with both shown briefly; null when equal.</summary>
    private static (string Pointer, string Approved, string Now)? FirstDifference(JsonElement? a, JsonElement? b, string pointer)
    {
        if (a is not { } x || b is not { } y)
        {
            return a is null && b is null ? null : (pointer, Show(a), Show(b));
        }

        if (x.ValueKind != y.ValueKind && !(IsBoolean(x) && IsBoolean(y)))
        {
            return (pointer, Show(x), Show(y));
        }

        switch (x.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in x.EnumerateObject())
                {
                    JsonElement? other = y.TryGetProperty(property.Name, out JsonElement value) ? value : null;
                    if (FirstDifference(property.Value, other, pointer + "/" + Escape(property.Name)) is { } inner)
                    {
                        return inner;
                    }
                }

                foreach (JsonProperty added in y.EnumerateObject())
                {
                    if (!x.TryGetProperty(added.Name, out _))
                    {
                        return (pointer + "/" + Escape(added.Name), Show(null), Show(added.Value));
                    }
                }

                return null;
            case JsonValueKind.Array:
                int length = Math.Max(x.GetArrayLength(), y.GetArrayLength());
                for (int i = 0; i < length; i++)
                {
                    JsonElement? left = i < x.GetArrayLength() ? x[i] : null;
                    JsonElement? right = i < y.GetArrayLength() ? y[i] : null;
                    if (FirstDifference(left, right, $"{pointer}/{i}") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.String:
                return x.ValueEquals(y.GetString()) ? null : (pointer, ShowAround(x.GetString()!, y.GetString()!), ShowAround(y.GetString()!, x.GetString()!));
            case JsonValueKind.Number:
                return JsonNumber.From(x) == JsonNumber.From(y) ? null : (pointer, Show(x), Show(y));
            case JsonValueKind.True or JsonValueKind.False:
                return x.ValueKind == y.ValueKind ? null : (pointer, Show(x), Show(y));
            default:
                return null;
        }
    }

    private static bool IsBoolean(JsonElement e) => e.ValueKind is JsonValueKind.True or JsonValueKind.False;

    /// <summary>RFC 6901: '~' and '/' inside a member name are escaped.</summary>
    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>A value on one line, escaped, cut to a readable length; "(none)" when absent.</summary>
    private static string Show(JsonElement? value)
    {
        if (value is not { } element)
        {
            return "(none)";
        }

        string text = Json(element.WriteTo);
        return text.Length <= Shown ? text : text[..Shown] + "…";
    }

    /// <summary>A string as JSON, the part around its first difference from <paramref name="other"/> when it is long.</summary>
    private static string ShowAround(string text, string other)
    {
        int first = 0;
        while (first < text.Length && first < other.Length && text[first] == other[first])
        {
            first++;
        }

        int start = Math.Max(0, first - (Shown / 3));
        string part = text.Substring(start, Math.Min(Shown, text.Length - start));
        string json = Json(writer => writer.WriteStringValue(part));
        return (start > 0 ? "…" : string.Empty) + json + (start + part.Length < text.Length ? "…" : string.Empty);
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Compact))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

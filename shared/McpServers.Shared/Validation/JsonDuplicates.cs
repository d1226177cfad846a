using System.Text.Json;

namespace McpServers.Shared.Validation;

/// <summary>A member name that occurs more than once in one JSON object.</summary>
/// <param name="ObjectPath">The object holding it, in <see cref="SchemaError.Path"/> form ("cfg", "filters[2]"; empty for the root).</param>
/// <param name="Name">The repeated member name.</param>
/// <param name="Path">The member's own path ("cfg.mode"), as validation errors name it.</param>
public sealed record DuplicateMember(string ObjectPath, string Name, string Path);

/// <summary>
/// Finds repeated member names. JSON allows them, but every reader keeps a different occurrence (System.Text.Json's
/// binder keeps the last, JsonElement lookups the first), so a value could be validated as one thing and used as
/// another ({"mode":"user","mode":"admin"}). Tool arguments with a repeated name are refused at any depth.
/// </summary>
public static class JsonDuplicates
{
    /// <summary>The first repeated member name in document order (depth first), or null when there is none.</summary>
    public static DuplicateMember? FindFirst(JsonElement element) => FindFirst(element, string.Empty);

    /// <summary>As <see cref="FindFirst(JsonElement)"/>, naming paths below <paramref name="path"/>.</summary>
    public static DuplicateMember? FindFirst(JsonElement element, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    string name = NameOf(property);
                    if (!seen.Add(name))
                    {
                        return new DuplicateMember(path, name, ErrorText.Child(path, name));
                    }
                }

                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if (FindFirst(property.Value, ErrorText.Child(path, NameOf(property))) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                int index = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (FindFirst(item, ErrorText.Index(path, index++)) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>The decoded name; a name that is not valid UTF-16 (a lone surrogate escape) is keyed by its JSON text.</summary>
    internal static string NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            string raw = property.ToString();
            int end = 1;
            while (end < raw.Length && raw[end] != '"')
            {
                end += raw[end] == '\\' ? 2 : 1;
            }

            return raw[..Math.Min(end + 1, raw.Length)];
        }
    }
}

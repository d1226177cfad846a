using System.Text.Json;

namespace McpServers.Shared.Validation;

/// <summary>JSON equality as JSON Schema defines it: 1 equals 1.0, object key order does not matter.</summary>
internal static class JsonEquality
{
    public static bool AreEqual(JsonElement a, JsonElement b)
    {
        JsonValueKind kind = a.ValueKind;
        if (kind != b.ValueKind)
        {
            return false;
        }

        switch (kind)
        {
            case JsonValueKind.Number:
                return JsonNumber.From(a) == JsonNumber.From(b);
            case JsonValueKind.String:
                return a.ValueEquals(b.GetString());
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength())
                {
                    return false;
                }

                using (JsonElement.ArrayEnumerator ea = a.EnumerateArray(), eb = b.EnumerateArray())
                {
                    while (ea.MoveNext() && eb.MoveNext())
                    {
                        if (!AreEqual(ea.Current, eb.Current))
                        {
                            return false;
                        }
                    }
                }

                return true;
            case JsonValueKind.Object:
                if (a.GetPropertyCount() != b.GetPropertyCount())
                {
                    return false;
                }

                foreach (JsonProperty property in a.EnumerateObject())
                {
                    if (!b.TryGetProperty(property.Name, out JsonElement other) || !AreEqual(property.Value, other))
                    {
                        return false;
                    }
                }

                return true;
            default:
                // True, False and Null carry no payload beyond their kind.
                return true;
        }
    }
}

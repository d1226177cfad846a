using System.Text.Json;

namespace McpServers.Shared.Validation;

/// <summary>
/// JSON equality as JSON Schema defines it: 1 equals 1.0, object key order does not matter. Every visited value is
/// charged to the call's <see cref="WorkMeter"/>. Objects never hold repeated names here (screened beforehand).
/// </summary>
internal static class JsonEquality
{
    // Below this, a linear TryGetProperty scan is cheaper than building a dictionary.
    private const int SmallObject = 8;

    public static bool AreEqual(JsonElement a, JsonElement b, WorkMeter meter)
    {
        meter.Charge(1);
        JsonValueKind kind = a.ValueKind;
        if (kind != b.ValueKind)
        {
            return false;
        }

        switch (kind)
        {
            case JsonValueKind.Number:
                meter.Charge(a.GetRawText().Length + b.GetRawText().Length);
                return JsonNumber.From(a) == JsonNumber.From(b);
            case JsonValueKind.String:
                string text = a.GetString()!;
                meter.Charge(text.Length);
                return b.ValueEquals(text);
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength())
                {
                    return false;
                }

                using (JsonElement.ArrayEnumerator ea = a.EnumerateArray(), eb = b.EnumerateArray())
                {
                    while (ea.MoveNext() && eb.MoveNext())
                    {
                        if (!AreEqual(ea.Current, eb.Current, meter))
                        {
                            return false;
                        }
                    }
                }

                return true;
            case JsonValueKind.Object:
                int count = a.GetPropertyCount();
                meter.Charge(count);
                if (count != b.GetPropertyCount())
                {
                    return false;
                }

                if (count <= SmallObject)
                {
                    foreach (JsonProperty property in a.EnumerateObject())
                    {
                        if (!b.TryGetProperty(property.Name, out JsonElement other) || !AreEqual(property.Value, other, meter))
                        {
                            return false;
                        }
                    }

                    return true;
                }

                // TryGetProperty scans, so large objects are indexed once to keep the comparison linear.
                var index = new Dictionary<string, JsonElement>(count, StringComparer.Ordinal);
                foreach (JsonProperty property in b.EnumerateObject())
                {
                    index[property.Name] = property.Value;
                }

                foreach (JsonProperty property in a.EnumerateObject())
                {
                    if (!index.TryGetValue(property.Name, out JsonElement other) || !AreEqual(property.Value, other, meter))
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

    /// <summary>A hash consistent with <see cref="AreEqual"/>: equal values hash alike (1 and 1.0; any member order).</summary>
    public static int Hash(JsonElement value, WorkMeter meter)
    {
        meter.Charge(1);
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                meter.Charge(value.GetRawText().Length);
                return JsonNumber.From(value).GetHashCode();
            case JsonValueKind.String:
                string text = value.GetString()!;
                meter.Charge(text.Length);
                return HashCode.Combine(JsonValueKind.String, string.GetHashCode(text, StringComparison.Ordinal));
            case JsonValueKind.Array:
                var hash = new HashCode();
                hash.Add(JsonValueKind.Array);
                foreach (JsonElement item in value.EnumerateArray())
                {
                    hash.Add(Hash(item, meter));
                }

                return hash.ToHashCode();
            case JsonValueKind.Object:
                // Member order is irrelevant, so member hashes are combined with a commutative sum.
                int sum = 0;
                foreach (JsonProperty property in value.EnumerateObject())
                {
                    meter.Charge(property.Name.Length);
                    sum = unchecked(sum + HashCode.Combine(string.GetHashCode(property.Name, StringComparison.Ordinal), Hash(property.Value, meter)));
                }

                return HashCode.Combine(JsonValueKind.Object, sum);
            default:
                return (int)value.ValueKind;
        }
    }
}

using System.Globalization;
using System.Text.Json;

namespace McpServers.Shared.Validation;

/// <summary>
/// The first pass over every instance, before any schema keyword runs: refuses what no keyword can judge
/// consistently or cheaply. Repeated member names (each occurrence would be validated, the last one used),
/// strings and names that are not valid Unicode (lone UTF-16 surrogates), numbers beyond
/// <see cref="JsonNumber.MaxSignificantDigits"/> digits or <see cref="JsonNumber.MaxInstanceLength"/> characters, and
/// nesting deeper than <see cref="MaxDepth"/>. Linear in the instance, charged to the call's <see cref="WorkMeter"/>.
/// </summary>
internal static class InstanceScreen
{
    /// <summary>Nesting levels accepted below the arguments object (System.Text.Json's own default limit is 64).</summary>
    public const int MaxDepth = 64;

    public static SchemaError? Check(JsonElement instance, string path, WorkMeter meter, int depth = 0)
    {
        meter.Charge(1);
        if (depth > MaxDepth)
        {
            return new SchemaError(path, "limits", $"{ErrorText.Subject(path)} is nested more than {MaxDepth} levels deep; send a flatter value");
        }

        switch (instance.ValueKind)
        {
            case JsonValueKind.String:
                if (!TryGetString(instance, out string? text))
                {
                    return new SchemaError(path, "encoding",
                        $"{ErrorText.Subject(path)} is not valid Unicode text (it contains an unpaired UTF-16 surrogate escape such as \\ud800); send valid text");
                }

                meter.Charge(text.Length / 16);
                return null;
            case JsonValueKind.Number:
                string raw = instance.GetRawText();
                meter.Charge(raw.Length / 16);
                if (raw.Length > JsonNumber.MaxInstanceLength || JsonNumber.CountSignificantDigits(raw) > JsonNumber.MaxSignificantDigits)
                {
                    return new SchemaError(path, "limits", string.Create(CultureInfo.InvariantCulture,
                        $"{ErrorText.Subject(path)} is too long a number (at most {JsonNumber.MaxSignificantDigits} significant digits and {JsonNumber.MaxInstanceLength} characters); send a shorter number"));
                }

                return null;
            case JsonValueKind.Array:
                int index = 0;
                foreach (JsonElement item in instance.EnumerateArray())
                {
                    if (Check(item, ErrorText.Index(path, index++), meter, depth + 1) is { } error)
                    {
                        return error;
                    }
                }

                return null;
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                string word = ErrorText.MemberWord(path);
                foreach (JsonProperty property in instance.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return new SchemaError(path, "encoding",
                            $"a {word} name in {ErrorText.Subject(path)} is not valid Unicode text (an unpaired UTF-16 surrogate escape); send valid names");
                    }

                    meter.Charge(1 + name.Length / 16);
                    string child = ErrorText.Child(path, name);
                    if (!seen.Add(name))
                    {
                        string where = path.Length == 0 ? "" : $" in {ErrorText.Subject(path)}";
                        return new SchemaError(child, "duplicate",
                            $"the {word} `{child}` appears more than once{where}; send each {word} once");
                    }

                    if (Check(property.Value, child, meter, depth + 1) is { } error)
                    {
                        return error;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool TryGetString(JsonElement element, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        try
        {
            text = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }
}

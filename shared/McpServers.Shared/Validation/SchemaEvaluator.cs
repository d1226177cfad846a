using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpServers.Shared.Validation;

/// <summary>
/// Applies a compiled schema to a value and collects every failure. Stateless: all state lives on the call stack,
/// so one compiled schema serves concurrent calls.
/// </summary>
internal static class SchemaEvaluator
{
    // Compile-time cycle detection already rules out endless recursion; this is a second, cheap line of defence.
    private const int MaxDepth = 512;

    private const int MaxAlternativesShown = 5;

    public static void Evaluate(SchemaNode node, JsonElement instance, string path, List<SchemaError> errors, int depth)
    {
        if (depth > MaxDepth)
        {
            errors.Add(new(path, "$ref", $"{ErrorText.Subject(path)} is nested too deeply to be checked"));
            return;
        }

        if (node.Boolean is bool allowed)
        {
            if (!allowed)
            {
                errors.Add(new(path, "false", $"{ErrorText.Subject(path)} is not allowed here"));
            }

            return;
        }

        if (node.Ref is not null)
        {
            Evaluate(node.Ref, instance, path, errors, depth + 1);
        }

        if (node.Types != JsonTypes.None && (TypeOf(instance) & node.Types) == 0)
        {
            // The other keywords would only restate the wrong type, so stop here for a clearer message.
            errors.Add(new(path, "type",
                $"{ErrorText.Subject(path)} must be {ErrorText.Types(node.Types)} (got {ErrorText.Value(instance)})"));
            return;
        }

        CheckValue(node, instance, path, errors);
        switch (instance.ValueKind)
        {
            case JsonValueKind.String:
                CheckString(node, instance.GetString() ?? string.Empty, path, errors);
                break;
            case JsonValueKind.Number:
                CheckNumber(node, instance, path, errors);
                break;
            case JsonValueKind.Object:
                CheckObject(node, instance, path, errors, depth);
                break;
            case JsonValueKind.Array:
                CheckArray(node, instance, path, errors, depth);
                break;
        }

        CheckApplicators(node, instance, path, errors, depth);
    }

    private static JsonTypes TypeOf(JsonElement instance) => instance.ValueKind switch
    {
        JsonValueKind.Null => JsonTypes.Null,
        JsonValueKind.True or JsonValueKind.False => JsonTypes.Boolean,
        JsonValueKind.Object => JsonTypes.Object,
        JsonValueKind.Array => JsonTypes.Array,
        JsonValueKind.String => JsonTypes.String,
        // "integer" means a mathematical integer, so 1.0 is one (JSON Schema core §4.2.1).
        JsonValueKind.Number => JsonNumber.From(instance).IsInteger ? JsonTypes.Number | JsonTypes.Integer : JsonTypes.Number,
        _ => JsonTypes.None,
    };

    private static void CheckValue(SchemaNode node, JsonElement instance, string path, List<SchemaError> errors)
    {
        if (node.Enum is { } options && !options.Any(option => JsonEquality.AreEqual(option, instance)))
        {
            string message = options.Count == 1
                ? $"{ErrorText.Subject(path)} must be {ErrorText.Literal(options[0])} (got {ErrorText.Value(instance)})"
                : $"{ErrorText.Subject(path)} must be one of: {ErrorText.List(options.Select(ErrorText.Literal))} (got {ErrorText.Value(instance)})";
            errors.Add(new(path, "enum", message));
        }

        if (node.Const is { } expected && !JsonEquality.AreEqual(expected, instance))
        {
            errors.Add(new(path, "const",
                $"{ErrorText.Subject(path)} must be exactly {ErrorText.Literal(expected)} (got {ErrorText.Value(instance)})"));
        }
    }

    private static void CheckString(SchemaNode node, string value, string path, List<SchemaError> errors)
    {
        string subject = ErrorText.Subject(path);
        if (node.MinLength is not null || node.MaxLength is not null)
        {
            // JSON Schema counts characters as code points: an emoji is one character, not two UTF-16 units.
            long length = CountCodePoints(value);
            if (length < node.MinLength)
            {
                errors.Add(new(path, "minLength", $"{subject} must be at least {node.MinLength} characters long (got {length})"));
            }

            if (length > node.MaxLength)
            {
                errors.Add(new(path, "maxLength", $"{subject} must be at most {node.MaxLength} characters long (got {length})"));
            }
        }

        if (node.Pattern is not null)
        {
            try
            {
                if (!node.Pattern.IsMatch(value))
                {
                    errors.Add(new(path, "pattern",
                        $"{subject} must match the pattern {node.PatternText} (got {ErrorText.Quote(value, 40)})"));
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // Fail closed: a value we could not check is not accepted.
                errors.Add(new(path, "pattern",
                    $"{subject} could not be checked against the pattern {node.PatternText} in time; send a shorter or simpler value"));
            }
        }

        if (node.Format is FormatKind format && !Formats.IsValid(format, value))
        {
            errors.Add(new(path, "format",
                $"{subject} must be {Formats.Describe(format)} (got {ErrorText.Quote(value, 40)})"));
        }
    }

    private static void CheckNumber(SchemaNode node, JsonElement instance, string path, List<SchemaError> errors)
    {
        if (node.Minimum is null && node.Maximum is null && node.ExclusiveMinimum is null && node.ExclusiveMaximum is null
            && node.MultipleOf is null)
        {
            return;
        }

        var value = JsonNumber.From(instance);
        string subject = ErrorText.Subject(path);
        string got = ErrorText.Truncate(value.Text);
        if (node.Minimum is JsonNumber min && JsonNumber.Compare(value, min) < 0)
        {
            errors.Add(new(path, "minimum", $"{subject} must be at least {min.Text} (got {got})"));
        }

        if (node.Maximum is JsonNumber max && JsonNumber.Compare(value, max) > 0)
        {
            errors.Add(new(path, "maximum", $"{subject} must be at most {max.Text} (got {got})"));
        }

        if (node.ExclusiveMinimum is JsonNumber exMin && JsonNumber.Compare(value, exMin) <= 0)
        {
            errors.Add(new(path, "exclusiveMinimum", $"{subject} must be greater than {exMin.Text} (got {got})"));
        }

        if (node.ExclusiveMaximum is JsonNumber exMax && JsonNumber.Compare(value, exMax) >= 0)
        {
            errors.Add(new(path, "exclusiveMaximum", $"{subject} must be less than {exMax.Text} (got {got})"));
        }

        if (node.MultipleOf is JsonNumber step && !JsonNumber.IsMultipleOf(value, step))
        {
            errors.Add(new(path, "multipleOf", $"{subject} must be a multiple of {step.Text} (got {got})"));
        }
    }

    private static void CheckObject(SchemaNode node, JsonElement instance, string path, List<SchemaError> errors, int depth)
    {
        string word = ErrorText.MemberWord(path);
        if (node.Required is { } required)
        {
            foreach (string name in required)
            {
                if (!instance.TryGetProperty(name, out _))
                {
                    string child = ErrorText.Child(path, name);
                    errors.Add(new(child, "required", $"missing required {word} `{child}`"));
                }
            }
        }

        if (node.PropertyLookup is not null || node.AdditionalProperties is not null)
        {
            foreach (JsonProperty property in instance.EnumerateObject())
            {
                string child = ErrorText.Child(path, property.Name);
                if (node.PropertyLookup is not null && node.PropertyLookup.TryGetValue(property.Name, out SchemaNode? declared))
                {
                    Evaluate(declared, property.Value, child, errors, depth + 1);
                }
                else if (node.AdditionalProperties is { IsFalse: true })
                {
                    string allowed = node.Properties is { Count: > 0 }
                        ? "allowed: " + ErrorText.List(node.Properties.Select(p => p.Key))
                        : "no " + word + "s are allowed here";
                    errors.Add(new(child, "additionalProperties", $"unexpected {word} `{child}` ({allowed})"));
                }
                else if (node.AdditionalProperties is not null)
                {
                    Evaluate(node.AdditionalProperties, property.Value, child, errors, depth + 1);
                }
            }
        }

        if (node.MinProperties is not null || node.MaxProperties is not null)
        {
            int count = instance.GetPropertyCount();
            if (count < node.MinProperties)
            {
                errors.Add(new(path, "minProperties",
                    $"{ErrorText.Subject(path)} must have at least {node.MinProperties} {word}s (got {count})"));
            }

            if (count > node.MaxProperties)
            {
                errors.Add(new(path, "maxProperties",
                    $"{ErrorText.Subject(path)} must have at most {node.MaxProperties} {word}s (got {count})"));
            }
        }
    }

    private static void CheckArray(SchemaNode node, JsonElement instance, string path, List<SchemaError> errors, int depth)
    {
        string subject = ErrorText.Subject(path);
        int length = instance.GetArrayLength();
        if (length < node.MinItems)
        {
            errors.Add(new(path, "minItems", $"{subject} must have at least {node.MinItems} items (got {length})"));
        }

        if (length > node.MaxItems)
        {
            errors.Add(new(path, "maxItems", $"{subject} must have at most {node.MaxItems} items (got {length})"));
        }

        if (node.UniqueItems && FindDuplicate(instance) is (int first, int second))
        {
            errors.Add(new(path, "uniqueItems",
                $"{subject} must not contain duplicate items (items {first} and {second} are equal)"));
        }

        if (node.PrefixItems is null && node.Items is null)
        {
            return;
        }

        int prefix = node.PrefixItems?.Count ?? 0;
        int index = 0;
        foreach (JsonElement item in instance.EnumerateArray())
        {
            if (index < prefix)
            {
                Evaluate(node.PrefixItems![index], item, ErrorText.Index(path, index), errors, depth + 1);
            }
            else if (node.Items is { IsFalse: true })
            {
                string limit = prefix == 0 ? "must be empty" : $"must have at most {prefix} items";
                errors.Add(new(path, "items", $"{subject} {limit} (got {length})"));
                break;
            }
            else if (node.Items is not null)
            {
                Evaluate(node.Items, item, ErrorText.Index(path, index), errors, depth + 1);
            }

            index++;
        }
    }

    private static (int First, int Second)? FindDuplicate(JsonElement array)
    {
        // Quadratic, but arrays in tool arguments are small and JSON equality (1 == 1.0) defeats naive hashing.
        JsonElement[] items = [.. array.EnumerateArray()];
        for (int i = 0; i < items.Length; i++)
        {
            for (int j = i + 1; j < items.Length; j++)
            {
                if (JsonEquality.AreEqual(items[i], items[j]))
                {
                    return (i, j);
                }
            }
        }

        return null;
    }

    private static void CheckApplicators(SchemaNode node, JsonElement instance, string path, List<SchemaError> errors, int depth)
    {
        if (node.AllOf is { } all)
        {
            foreach (SchemaNode branch in all)
            {
                Evaluate(branch, instance, path, errors, depth + 1);
            }
        }

        if (node.AnyOf is { } any)
        {
            List<List<SchemaError>> failures = [];
            foreach (SchemaNode branch in any)
            {
                List<SchemaError> branchErrors = [];
                Evaluate(branch, instance, path, branchErrors, depth + 1);
                if (branchErrors.Count == 0)
                {
                    failures.Clear();
                    break;
                }

                failures.Add(branchErrors);
            }

            if (failures.Count > 0)
            {
                ReportNoMatch("anyOf", failures, path, errors);
            }
        }

        if (node.OneOf is { } one)
        {
            List<List<SchemaError>> failures = [];
            List<int> matches = [];
            for (int i = 0; i < one.Count; i++)
            {
                List<SchemaError> branchErrors = [];
                Evaluate(one[i], instance, path, branchErrors, depth + 1);
                if (branchErrors.Count == 0)
                {
                    matches.Add(i + 1);
                }
                else
                {
                    failures.Add(branchErrors);
                }
            }

            if (matches.Count == 0)
            {
                ReportNoMatch("oneOf", failures, path, errors);
            }
            else if (matches.Count > 1)
            {
                errors.Add(new(path, "oneOf",
                    $"{ErrorText.Subject(path)} must match exactly one of the allowed alternatives, but it matches alternatives {string.Join(" and ", matches)}"));
            }
        }

        if (node.Not is { } forbidden)
        {
            List<SchemaError> notErrors = [];
            Evaluate(forbidden, instance, path, notErrors, depth + 1);
            if (notErrors.Count == 0)
            {
                errors.Add(new(path, "not",
                    $"{ErrorText.Subject(path)} must not match the schema {ErrorText.Truncate(forbidden.SourceText)} (got {ErrorText.Value(instance)})"));
            }
        }
    }

    // A wall of nested errors helps nobody. If only one alternative has the right type, the caller evidently meant
    // that one, so its errors are reported as they are; otherwise one line summarises what each alternative wanted.
    private static void ReportNoMatch(string keyword, List<List<SchemaError>> failures, string path, List<SchemaError> errors)
    {
        var plausible = failures.Where(f => !f.Any(e => e.Keyword == "type" && e.Path == path)).ToList();
        if (plausible.Count == 1)
        {
            errors.AddRange(plausible[0]);
            return;
        }

        var sb = new StringBuilder();
        sb.Append(ErrorText.Subject(path)).Append(" must match one of the allowed alternatives, but: ");
        for (int i = 0; i < failures.Count && i < MaxAlternativesShown; i++)
        {
            if (i > 0)
            {
                sb.Append("; ");
            }

            sb.Append('(').Append(i + 1).Append(") ").Append(failures[i][0].Message);
            if (failures[i].Count > 1)
            {
                sb.Append(CultureInfo.InvariantCulture, $" (+{failures[i].Count - 1} more)");
            }
        }

        if (failures.Count > MaxAlternativesShown)
        {
            sb.Append(CultureInfo.InvariantCulture, $"; … ({failures.Count - MaxAlternativesShown} more alternatives)");
        }

        errors.Add(new(path, keyword, sb.ToString()));
    }

    private static long CountCodePoints(string value)
    {
        long count = 0;
        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }

            count++;
        }

        return count;
    }
}

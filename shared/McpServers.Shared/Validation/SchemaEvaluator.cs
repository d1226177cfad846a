using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpServers.Shared.Validation;

/// <summary>
/// Applies a compiled schema to a value and collects every failure. One instance per call (it holds the call's
/// <see cref="WorkMeter"/> and memo), so one compiled schema serves concurrent calls.
/// Cost is bounded: every step is charged to the meter; results of a schema node at an instance location are memoised
/// (a recursive anyOf would otherwise re-check the same subtree once per branch, exponential in depth); cheap size
/// keywords run first and an instance that fails one skips the expensive keywords; each error list is capped.
/// </summary>
internal sealed class SchemaEvaluator(WorkMeter meter)
{
    /// <summary>Errors kept per list; beyond this the value is plainly wrong and more lines help nobody.</summary>
    public const int MaxErrors = 50;

    /// <summary>Steps charged for one match on the backtracking engine, so a call runs at most 100 of them.</summary>
    public const long BacktrackingMatchCost = WorkMeter.DefaultLimit / 100;

    // Compile-time cycle detection already rules out endless recursion; this is a second, cheap line of defence.
    private const int MaxDepth = 512;

    private const int MaxAlternativesShown = 5;

    private readonly Dictionary<(SchemaNode Node, string Path), List<SchemaError>> _memo = [];

    public void Evaluate(SchemaNode node, JsonElement instance, string path, List<SchemaError> errors, int depth)
    {
        if (errors.Count >= MaxErrors)
        {
            return;
        }

        meter.Charge(1);
        if (depth > MaxDepth)
        {
            Add(errors, new(path, "$ref", $"{ErrorText.Subject(path)} is nested too deeply to be checked"));
            return;
        }

        if (node.Boolean is bool allowed)
        {
            if (!allowed)
            {
                Add(errors, new(path, "false", $"{ErrorText.Subject(path)} is not allowed here"));
            }

            return;
        }

        // The path names the instance location uniquely within one call, so (node, path) identifies the result.
        if (!_memo.TryGetValue((node, path), out List<SchemaError>? result))
        {
            result = [];
            EvaluateKeywords(node, instance, path, result, depth);
            _memo[(node, path)] = result;
        }

        foreach (SchemaError error in result)
        {
            Add(errors, error);
        }
    }

    private static void Add(List<SchemaError> errors, SchemaError error)
    {
        if (errors.Count < MaxErrors)
        {
            errors.Add(error);
        }
    }

    private void EvaluateKeywords(SchemaNode node, JsonElement instance, string path, List<SchemaError> errors, int depth)
    {
        if (node.Ref is not null)
        {
            Evaluate(node.Ref, instance, path, errors, depth + 1);
        }

        if (node.Types != JsonTypes.None && (TypeOf(instance) & node.Types) == 0)
        {
            // The other keywords would only restate the wrong type, so stop here for a clearer message.
            Add(errors, new(path, "type",
                $"{ErrorText.Subject(path)} must be {ErrorText.Types(node.Types)} (got {ErrorText.Value(instance)})"));
            return;
        }

        CheckValue(node, instance, path, errors);
        switch (instance.ValueKind)
        {
            case JsonValueKind.String:
                string text = instance.GetString() ?? string.Empty;
                meter.Charge(text.Length / 16);
                CheckString(node, text, path, errors);
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

    private JsonTypes TypeOf(JsonElement instance) => instance.ValueKind switch
    {
        JsonValueKind.Null => JsonTypes.Null,
        JsonValueKind.True or JsonValueKind.False => JsonTypes.Boolean,
        JsonValueKind.Object => JsonTypes.Object,
        JsonValueKind.Array => JsonTypes.Array,
        JsonValueKind.String => JsonTypes.String,
        // "integer" means a mathematical integer, so 1.0 is one (JSON Schema core §4.2.1).
        JsonValueKind.Number => Number(instance).IsInteger ? JsonTypes.Number | JsonTypes.Integer : JsonTypes.Number,
        _ => JsonTypes.None,
    };

    private JsonNumber Number(JsonElement instance)
    {
        string text = instance.GetRawText();
        meter.Charge(text.Length);
        return JsonNumber.Parse(text);
    }

    private void CheckValue(SchemaNode node, JsonElement instance, string path, List<SchemaError> errors)
    {
        if (node.Enum is { } options && !options.Any(option => JsonEquality.AreEqual(option, instance, meter)))
        {
            string message = options.Count == 1
                ? $"{ErrorText.Subject(path)} must be {ErrorText.Literal(options[0])} (got {ErrorText.Value(instance)})"
                : $"{ErrorText.Subject(path)} must be one of: {ErrorText.List(options.Select(ErrorText.Literal))} (got {ErrorText.Value(instance)})";
            Add(errors, new(path, "enum", message));
        }

        if (node.Const is { } expected && !JsonEquality.AreEqual(expected, instance, meter))
        {
            Add(errors, new(path, "const",
                $"{ErrorText.Subject(path)} must be exactly {ErrorText.Literal(expected)} (got {ErrorText.Value(instance)})"));
        }
    }

    private void CheckString(SchemaNode node, string value, string path, List<SchemaError> errors)
    {
        string subject = ErrorText.Subject(path);
        if (node.MinLength is not null || node.MaxLength is not null)
        {
            // JSON Schema counts characters as code points: an emoji is one character, not two UTF-16 units.
            meter.Charge(value.Length);
            long length = CountCodePoints(value);
            if (length < node.MinLength)
            {
                Add(errors, new(path, "minLength", $"{subject} must be at least {node.MinLength} characters long (got {length})"));
            }

            if (length > node.MaxLength)
            {
                Add(errors, new(path, "maxLength", $"{subject} must be at most {node.MaxLength} characters long (got {length})"));
                // Too long already: the pattern and format need not (and, for a backtracking pattern, must not) run.
                return;
            }
        }

        if (node.Pattern is { } pattern)
        {
            meter.Charge(pattern.Backtracking ? BacktrackingMatchCost : value.Length);
            try
            {
                if (!pattern.Regex.IsMatch(value))
                {
                    Add(errors, new(path, "pattern",
                        $"{subject} must match the pattern {node.PatternText} (got {ErrorText.Quote(value, 40)})"));
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // Fail closed: a value we could not check is not accepted, and the call stops here, so the (generous)
                // timeout is paid at most once per call instead of once per array item.
                throw new ValidationAbortedException(new(path, "pattern",
                    $"{subject} could not be checked against the pattern {node.PatternText} in time; send a shorter or simpler value"));
            }
        }

        if (node.Format is FormatKind format)
        {
            meter.Charge(value.Length);
            if (!Formats.IsValid(format, value))
            {
                Add(errors, new(path, "format",
                    $"{subject} must be {Formats.Describe(format)} (got {ErrorText.Quote(value, 40)})"));
            }
        }
    }

    private void CheckNumber(SchemaNode node, JsonElement instance, string path, List<SchemaError> errors)
    {
        if (node.Minimum is null && node.Maximum is null && node.ExclusiveMinimum is null && node.ExclusiveMaximum is null
            && node.MultipleOf is null)
        {
            return;
        }

        JsonNumber value = Number(instance);
        string subject = ErrorText.Subject(path);
        string got = ErrorText.Truncate(value.Text);
        if (node.Minimum is JsonNumber min && JsonNumber.Compare(value, min) < 0)
        {
            Add(errors, new(path, "minimum", $"{subject} must be at least {min.Text} (got {got})"));
        }

        if (node.Maximum is JsonNumber max && JsonNumber.Compare(value, max) > 0)
        {
            Add(errors, new(path, "maximum", $"{subject} must be at most {max.Text} (got {got})"));
        }

        if (node.ExclusiveMinimum is JsonNumber exMin && JsonNumber.Compare(value, exMin) <= 0)
        {
            Add(errors, new(path, "exclusiveMinimum", $"{subject} must be greater than {exMin.Text} (got {got})"));
        }

        if (node.ExclusiveMaximum is JsonNumber exMax && JsonNumber.Compare(value, exMax) >= 0)
        {
            Add(errors, new(path, "exclusiveMaximum", $"{subject} must be less than {exMax.Text} (got {got})"));
        }

        if (node.MultipleOf is JsonNumber step && !JsonNumber.IsMultipleOf(value, step))
        {
            Add(errors, new(path, "multipleOf", $"{subject} must be a multiple of {step.Text} (got {got})"));
        }
    }

    private void CheckObject(SchemaNode node, JsonElement instance, string path, List<SchemaError> errors, int depth)
    {
        string word = ErrorText.MemberWord(path);
        int count = instance.GetPropertyCount();
        meter.Charge(count);
        if (count < node.MinProperties)
        {
            Add(errors, new(path, "minProperties",
                $"{ErrorText.Subject(path)} must have at least {node.MinProperties} {word}s (got {count})"));
        }

        if (count > node.MaxProperties)
        {
            Add(errors, new(path, "maxProperties",
                $"{ErrorText.Subject(path)} must have at most {node.MaxProperties} {word}s (got {count})"));
            // Too many members already: checking each of them is work the verdict does not need.
            return;
        }

        if (node.Required is { } required)
        {
            // TryGetProperty scans the object, so the names are indexed once to keep this linear.
            meter.Charge(required.Count);
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in instance.EnumerateObject())
            {
                present.Add(property.Name);
            }

            foreach (string name in required)
            {
                if (!present.Contains(name))
                {
                    string child = ErrorText.Child(path, name);
                    Add(errors, new(child, "required", $"missing required {word} `{child}`"));
                }
            }
        }

        if (node.PropertyLookup is not null || node.AdditionalProperties is not null)
        {
            foreach (JsonProperty property in instance.EnumerateObject())
            {
                if (errors.Count >= MaxErrors)
                {
                    return;
                }

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
                    Add(errors, new(child, "additionalProperties", $"unexpected {word} `{child}` ({allowed})"));
                }
                else if (node.AdditionalProperties is not null)
                {
                    Evaluate(node.AdditionalProperties, property.Value, child, errors, depth + 1);
                }
            }
        }
    }

    private void CheckArray(SchemaNode node, JsonElement instance, string path, List<SchemaError> errors, int depth)
    {
        string subject = ErrorText.Subject(path);
        int length = instance.GetArrayLength();
        if (length < node.MinItems)
        {
            Add(errors, new(path, "minItems", $"{subject} must have at least {node.MinItems} items (got {length})"));
        }

        if (length > node.MaxItems)
        {
            Add(errors, new(path, "maxItems", $"{subject} must have at most {node.MaxItems} items (got {length})"));
            // Too many items already: uniqueItems and the item schemas would only spend work on a refused value.
            return;
        }

        if (node.UniqueItems && FindDuplicate(instance) is (int first, int second))
        {
            Add(errors, new(path, "uniqueItems",
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
            if (errors.Count >= MaxErrors)
            {
                return;
            }

            if (index < prefix)
            {
                Evaluate(node.PrefixItems![index], item, ErrorText.Index(path, index), errors, depth + 1);
            }
            else if (node.Items is { IsFalse: true })
            {
                string limit = prefix == 0 ? "must be empty" : $"must have at most {prefix} items";
                Add(errors, new(path, "items", $"{subject} {limit} (got {length})"));
                break;
            }
            else if (node.Items is not null)
            {
                Evaluate(node.Items, item, ErrorText.Index(path, index), errors, depth + 1);
            }

            index++;
        }
    }

    // Linear on average: items are bucketed by a hash that respects JSON equality (1 == 1.0, any member order), and
    // only items in the same bucket are compared. The earliest item with an equal predecessor is reported.
    private (int First, int Second)? FindDuplicate(JsonElement array)
    {
        var buckets = new Dictionary<int, List<(int Index, JsonElement Item)>>();
        int index = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            int hash = JsonEquality.Hash(item, meter);
            if (buckets.TryGetValue(hash, out List<(int Index, JsonElement Item)>? bucket))
            {
                foreach ((int earlier, JsonElement other) in bucket)
                {
                    if (JsonEquality.AreEqual(other, item, meter))
                    {
                        return (earlier, index);
                    }
                }

                bucket.Add((index, item));
            }
            else
            {
                buckets[hash] = [(index, item)];
            }

            index++;
        }

        return null;
    }

    private void CheckApplicators(SchemaNode node, JsonElement instance, string path, List<SchemaError> errors, int depth)
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
                Add(errors, new(path, "oneOf",
                    $"{ErrorText.Subject(path)} must match exactly one of the allowed alternatives, but it matches alternatives {string.Join(" and ", matches)}"));
            }
        }

        if (node.Not is { } forbidden)
        {
            List<SchemaError> notErrors = [];
            Evaluate(forbidden, instance, path, notErrors, depth + 1);
            if (notErrors.Count == 0)
            {
                Add(errors, new(path, "not",
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
            foreach (SchemaError error in plausible[0])
            {
                Add(errors, error);
            }

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

        Add(errors, new(path, keyword, sb.ToString()));
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

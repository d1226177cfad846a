using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpServers.Testing.Conformance;

/// <summary>
/// Seeded generator of argument objects that a tool's advertised <c>inputSchema</c> accepts, for the property run
/// (issue 8 §3). It reads the JSON Schema subset the shared validator enforces: type unions, properties/required/
/// additionalProperties, enum/const, string lengths (in code points), pattern, numbers with minimum/maximum/
/// exclusive*/multipleOf, items/prefixItems/minItems/maxItems/uniqueItems, anyOf/oneOf/allOf, local $ref/$defs and
/// the formats date, date-time, email, uri and uuid. It aims at what servers get wrong: integer-valued floats
/// (<c>5.0</c>, <c>1e0</c>) where the schema says integer, null wherever null is allowed (items and nested
/// properties too), boundary lengths and counts, astral characters, combining marks and right-to-left text, and
/// optional properties both omitted and present.
/// Patterned strings come from a small sampler for simple patterns (literals, classes, \d \w \s, groups,
/// alternation, quantifiers); a pattern outside that subset falls back to the schema's examples/default, and the
/// property is left out when it is optional. Callers check every result with the shared validator: the generator is
/// an approximation of the schema, the validator is the judge.
/// </summary>
public sealed class ArgumentGenerator
{
    private const int MaxDepth = 12;
    private const int UnboundedLength = 40;
    private const int MaxGeneratedItems = 12;

    // Runs of code points the servers must handle: astral (surrogate pairs in UTF-16), combining marks, right-to-left.
    private static readonly string[] Astral = ["😀", "𝐀", "𠜎", "🌍"];
    private static readonly string[] Combining = ["\u0301", "\u0308", "\u20DD"];
    private static readonly string[] RightToLeft = ["א", "ש", "ע", "ب", "\u200F"];
    private static readonly string[] Plain = ["a", "Z", "7", " ", "_", "-", ".", "é", "ß", "中", "'", "\"", "\\", "%", "*", "/"];

    private readonly JsonElement _root;
    private readonly Func<string, IReadOnlyList<JsonNode?>?> _samples;
    private readonly Random _random;
    private Shape _shape;

    /// <param name="schema">The tool's inputSchema (also the root for local $refs).</param>
    /// <param name="seed">Fixed per tool so a failure reproduces.</param>
    /// <param name="samples">Known good values by property name (e.g. a table that exists; <c>name[]</c> for an array's items); used three times out of four when given.</param>
    public ArgumentGenerator(JsonElement schema, int seed, Func<string, IReadOnlyList<JsonNode?>?>? samples = null)
    {
        _root = schema;
        _random = new Random(seed);
        _samples = samples ?? (_ => null);
    }

    /// <summary>Case 0 is minimal (required properties only, lower bounds), case 1 maximal (every property, upper bounds); the rest mix.</summary>
    private enum Shape
    {
        Minimal,
        Maximal,
        Mixed,
    }

    /// <summary>The arguments of case <paramref name="caseIndex"/>; null when the schema cannot be satisfied by this generator.</summary>
    public JsonObject? Next(int caseIndex)
    {
        _shape = caseIndex switch { 0 => Shape.Minimal, 1 => Shape.Maximal, _ => Shape.Mixed };
        try
        {
            return Value(_root, null, 0) as JsonObject;
        }
        catch (CannotGenerateException)
        {
            return null;
        }
    }

    private JsonNode? Value(JsonElement schema, string? propertyName, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new CannotGenerateException();
        }

        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
                return AnyValue(propertyName, depth);
            case JsonValueKind.Object:
                break;
            default:
                throw new CannotGenerateException();
        }

        if (schema.TryGetProperty("$ref", out JsonElement reference))
        {
            return Value(Resolve(reference.GetString()!), propertyName, depth + 1);
        }

        if (schema.TryGetProperty("const", out JsonElement constant))
        {
            return JsonNode.Parse(constant.GetRawText());
        }

        if (schema.TryGetProperty("enum", out JsonElement members))
        {
            JsonElement member = members[_random.Next(members.GetArrayLength())];
            return member.ValueKind == JsonValueKind.Null ? null : JsonNode.Parse(member.GetRawText());
        }

        if (schema.TryGetProperty("allOf", out JsonElement all))
        {
            JsonElement merged = Without(schema, "allOf");
            foreach (JsonElement part in all.EnumerateArray())
            {
                merged = Merge(merged, part.ValueKind == JsonValueKind.Object && part.TryGetProperty("$ref", out JsonElement r) ? Resolve(r.GetString()!) : part);
            }

            return Value(merged, propertyName, depth + 1);
        }

        foreach (string combinator in (string[])["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(combinator, out JsonElement branches))
            {
                JsonElement branch = branches[_random.Next(branches.GetArrayLength())];
                if (branch.ValueKind == JsonValueKind.Object && branch.TryGetProperty("$ref", out JsonElement r))
                {
                    branch = Resolve(r.GetString()!);
                }

                return Value(Merge(Without(schema, combinator), branch), propertyName, depth + 1);
            }
        }

        IReadOnlyList<JsonNode?>? samples = propertyName is null ? null : _samples(propertyName);
        if (samples is { Count: > 0 } && _random.NextDouble() < 0.75)
        {
            return samples[_random.Next(samples.Count)]?.DeepClone();
        }

        List<string> types = Types(schema);
        if (types.Count == 0)
        {
            return AnyValue(propertyName, depth);
        }

        // Null where allowed: often, but not so often that the other types go unexercised.
        if (types.Contains("null") && (types.Count == 1 || (_shape == Shape.Mixed && _random.NextDouble() < 0.3)))
        {
            return null;
        }

        types.Remove("null");
        return types[_random.Next(types.Count)] switch
        {
            "boolean" => JsonValue.Create(_random.Next(2) == 0),
            "integer" => Integer(schema),
            "number" => Number(schema),
            "string" => String(schema),
            "array" => Array(schema, propertyName, depth),
            _ => Object(schema, depth),
        };
    }

    private JsonObject Object(JsonElement schema, int depth)
    {
        var result = new JsonObject();
        HashSet<string> required = schema.TryGetProperty("required", out JsonElement req)
            ? [.. req.EnumerateArray().Select(r => r.GetString()!)]
            : [];
        if (schema.TryGetProperty("properties", out JsonElement properties))
        {
            foreach (JsonProperty property in properties.EnumerateObject())
            {
                bool isRequired = required.Contains(property.Name);
                bool include = isRequired || _shape switch
                {
                    Shape.Minimal => false,
                    Shape.Maximal => true,
                    _ => _random.Next(2) == 0,
                };
                if (!include)
                {
                    continue;
                }

                try
                {
                    result[property.Name] = Value(property.Value, property.Name, depth + 1);
                }
                catch (CannotGenerateException) when (!isRequired)
                {
                    // An optional property this generator cannot satisfy (e.g. an unsupported pattern) is left out.
                }
            }
        }

        foreach (string name in required.Where(r => !result.ContainsKey(r)))
        {
            // Required but not declared: only additionalProperties can say what it holds.
            result[name] = schema.TryGetProperty("additionalProperties", out JsonElement extra)
                ? Value(extra, name, depth + 1)
                : AnyValue(name, depth);
        }

        return result;
    }

    private JsonArray Array(JsonElement schema, string? propertyName, int depth)
    {
        int min = Count(schema, "minItems") ?? 0;
        int max = Math.Min(Count(schema, "maxItems") ?? min + 4, Math.Max(min, MaxGeneratedItems));
        int count = Pick(min, max);
        var prefix = schema.TryGetProperty("prefixItems", out JsonElement p) ? p.EnumerateArray().ToList() : [];
        bool unique = schema.TryGetProperty("uniqueItems", out JsonElement u) && u.ValueKind == JsonValueKind.True;
        var result = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0, attempts = 0; result.Count < count && attempts < count * 10; attempts++)
        {
            JsonElement itemSchema = i < prefix.Count ? prefix[i]
                : schema.TryGetProperty("items", out JsonElement items) ? items
                : JsonDocument.Parse("true").RootElement;
            JsonNode? item = Value(itemSchema, propertyName + "[]", depth + 1);
            if (unique && !seen.Add(item?.ToJsonString() ?? "null"))
            {
                continue;
            }

            result.Add(item);
            i++;
        }

        return result;
    }

    private JsonNode String(JsonElement schema)
    {
        int min = Count(schema, "minLength") ?? 0;
        int max = Count(schema, "maxLength") ?? min + UnboundedLength;
        if (schema.TryGetProperty("format", out JsonElement format) && FormatSample(format.GetString()) is { } formatted)
        {
            return JsonValue.Create(formatted);
        }

        if (schema.TryGetProperty("pattern", out JsonElement pattern))
        {
            if (PatternSampler.TrySample(pattern.GetString()!, _random, out string? matching))
            {
                return JsonValue.Create(matching);
            }

            foreach (string keyword in (string[])["examples", "default"])
            {
                if (schema.TryGetProperty(keyword, out JsonElement known))
                {
                    JsonElement value = known.ValueKind == JsonValueKind.Array && known.GetArrayLength() > 0 ? known[0] : known;
                    if (value.ValueKind == JsonValueKind.String)
                    {
                        return JsonValue.Create(value.GetString()!);
                    }
                }
            }

            throw new CannotGenerateException();
        }

        return JsonValue.Create(Text(Pick(min, max)));
    }

    /// <summary>Exactly <paramref name="codePoints"/> code points in one of several styles.</summary>
    private string Text(int codePoints)
    {
        string[][] pools = _random.Next(5) switch
        {
            0 => [Plain],
            1 => [Plain, Astral],
            2 => [Plain, Combining],
            3 => [RightToLeft, Plain],
            _ => [Plain, Astral, Combining, RightToLeft],
        };
        var sb = new StringBuilder();
        for (int i = 0; i < codePoints; i++)
        {
            string[] pool = pools[_random.Next(pools.Length)];
            sb.Append(pool[_random.Next(pool.Length)]);
        }

        return sb.ToString();
    }

    private JsonNode Integer(JsonElement schema)
    {
        decimal low = Bound(schema, "minimum", "exclusiveMinimum", up: true) ?? -1000;
        decimal high = Bound(schema, "maximum", "exclusiveMaximum", up: false) ?? low + 1000;
        low = Math.Ceiling(low);
        high = Math.Floor(high);
        decimal step = schema.TryGetProperty("multipleOf", out JsonElement m) ? m.GetDecimal() : 1;
        if (step != Math.Floor(step))
        {
            step = 1;
        }

        decimal value = Step(low, high, step);
        // JSON Schema calls 5.0 and 5e0 integers; so must every server that advertises "integer".
        string text = _random.Next(3) switch
        {
            0 => value.ToString(CultureInfo.InvariantCulture),
            1 => value.ToString(CultureInfo.InvariantCulture) + ".0",
            _ => value != 0 && value % 10 == 0
                ? (value / 10).ToString(CultureInfo.InvariantCulture) + "e1"
                : value.ToString(CultureInfo.InvariantCulture) + (_random.Next(2) == 0 ? "e0" : "E+0"),
        };
        return JsonNode.Parse(text)!;
    }

    private JsonNode Number(JsonElement schema)
    {
        decimal low = Bound(schema, "minimum", null, up: true) ?? -1000;
        decimal high = Bound(schema, "maximum", null, up: false) ?? low + 1000;
        decimal step = schema.TryGetProperty("multipleOf", out JsonElement m) ? m.GetDecimal() : 0.25m;
        decimal value = Step(low, high, step);
        if (schema.TryGetProperty("exclusiveMinimum", out JsonElement exMin) && value <= exMin.GetDecimal())
        {
            value = exMin.GetDecimal() + step;
        }

        if (schema.TryGetProperty("exclusiveMaximum", out JsonElement exMax) && value >= exMax.GetDecimal())
        {
            value = exMax.GetDecimal() - step;
        }

        return JsonNode.Parse(value.ToString(CultureInfo.InvariantCulture))!;
    }

    /// <summary>A multiple of <paramref name="step"/> in [low, high]: a bound, next to a bound, or in between.</summary>
    private decimal Step(decimal low, decimal high, decimal step)
    {
        decimal first = Math.Ceiling(low / step) * step;
        decimal last = Math.Floor(high / step) * step;
        if (first > last)
        {
            throw new CannotGenerateException();
        }

        decimal steps = (last - first) / step;
        decimal k = _shape switch
        {
            Shape.Minimal => 0,
            Shape.Maximal => steps,
            _ => _random.Next(4) switch
            {
                0 => 0,
                1 => steps,
                2 => Math.Min(steps, 1),
                _ => Math.Floor((decimal)_random.NextDouble() * Math.Min(steps, 100)),
            },
        };
        return first + (k * step);
    }

    private int Pick(int min, int max)
    {
        if (max < min)
        {
            throw new CannotGenerateException();
        }

        return _shape switch
        {
            Shape.Minimal => min,
            Shape.Maximal => max,
            _ => _random.Next(4) switch
            {
                0 => min,
                1 => max,
                2 => Math.Min(max, min + 1),
                _ => min + _random.Next(Math.Min(max - min, UnboundedLength) + 1),
            },
        };
    }

    private JsonNode? AnyValue(string? propertyName, int depth)
    {
        IReadOnlyList<JsonNode?>? samples = propertyName is null ? null : _samples(propertyName);
        if (samples is { Count: > 0 } && _random.NextDouble() < 0.75)
        {
            return samples[_random.Next(samples.Count)]?.DeepClone();
        }

        return _random.Next(9) switch
        {
            0 => null,
            1 => JsonValue.Create(_random.Next(2) == 0),
            2 => JsonNode.Parse("5.0"),
            3 => JsonNode.Parse("-1.5"),
            4 => JsonValue.Create(Text(_random.Next(1, 8))),
            5 => JsonValue.Create("2026-01-31"),
            6 => depth < MaxDepth ? new JsonArray(JsonValue.Create(1), JsonValue.Create("a"), null) : null,
            7 => depth < MaxDepth ? new JsonObject { ["a"] = 1 } : null,
            _ => JsonValue.Create(0),
        };
    }

    private string? FormatSample(string? format)
    {
        string[]? choices = format switch
        {
            "date" => ["2026-02-28", "1999-12-31", "2024-02-29"],
            "date-time" => ["2026-01-31T13:45:00Z", "2024-02-29T23:59:59.123+02:00"],
            "email" => ["name@example.com", "a.b+tag@example.org"],
            "uri" => ["https://example.com/path?q=1", "urn:isbn:0451450523"],
            "uuid" => ["123e4567-e89b-12d3-a456-426614174000"],
            _ => null, // an unknown format is an annotation only
        };
        return choices?[_random.Next(choices.Length)];
    }

    private static List<string> Types(JsonElement schema)
    {
        if (schema.TryGetProperty("type", out JsonElement type))
        {
            return type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()!)] : [type.GetString()!];
        }

        // No type: infer it from the keywords that only apply to one.
        if (schema.TryGetProperty("properties", out _) || schema.TryGetProperty("required", out _))
        {
            return ["object"];
        }

        if (schema.TryGetProperty("items", out _) || schema.TryGetProperty("prefixItems", out _))
        {
            return ["array"];
        }

        if (schema.TryGetProperty("minLength", out _) || schema.TryGetProperty("maxLength", out _)
            || schema.TryGetProperty("pattern", out _) || schema.TryGetProperty("format", out _))
        {
            return ["string"];
        }

        return schema.TryGetProperty("minimum", out _) || schema.TryGetProperty("maximum", out _) ? ["number"] : [];
    }

    private static int? Count(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out JsonElement value) ? (int)Math.Min(value.GetDecimal(), 40_000) : null;

    private static decimal? Bound(JsonElement schema, string inclusive, string? exclusive, bool up)
    {
        decimal? bound = schema.TryGetProperty(inclusive, out JsonElement b) ? Clamp(b) : null;
        if (exclusive is not null && schema.TryGetProperty(exclusive, out JsonElement e))
        {
            decimal shifted = Math.Floor(Clamp(e)) + (up ? 1 : -1);
            bound = bound is null ? shifted : up ? Math.Max(bound.Value, shifted) : Math.Min(bound.Value, shifted);
        }

        return bound;

        // Bounds beyond ±1e15 are as good as none for a generator.
        static decimal Clamp(JsonElement n) => (decimal)Math.Clamp(n.GetDouble(), -1e15, 1e15);
    }

    private JsonElement Resolve(string reference)
    {
        if (!reference.StartsWith('#'))
        {
            throw new CannotGenerateException();
        }

        JsonElement target = _root;
        foreach (string raw in reference[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            string token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (!(target.ValueKind == JsonValueKind.Object && target.TryGetProperty(token, out target)))
            {
                throw new CannotGenerateException();
            }
        }

        return target;
    }

    private static JsonElement Without(JsonElement schema, string keyword)
    {
        var copy = JsonNode.Parse(schema.GetRawText())!.AsObject();
        copy.Remove(keyword);
        return ToElement(copy);
    }

    /// <summary>Both schemas' keywords in one: properties and required united, types intersected, otherwise the second wins.</summary>
    private static JsonElement Merge(JsonElement first, JsonElement second)
    {
        if (second.ValueKind != JsonValueKind.Object)
        {
            return first;
        }

        var merged = JsonNode.Parse(first.GetRawText())!.AsObject();
        foreach (JsonProperty keyword in second.EnumerateObject())
        {
            JsonNode? value = JsonNode.Parse(keyword.Value.GetRawText());
            switch (keyword.Name)
            {
                case "properties" when merged["properties"] is JsonObject existing:
                    foreach (var (name, schema) in value!.AsObject().ToList())
                    {
                        existing[name] = schema?.DeepClone();
                    }

                    break;
                case "required" when merged["required"] is JsonArray existing:
                    foreach (JsonNode? name in value!.AsArray().Where(n => !existing.Any(e => e!.GetValue<string>() == n!.GetValue<string>())))
                    {
                        existing.Add(name?.DeepClone());
                    }

                    break;
                case "type" when merged.ContainsKey("type"):
                    List<string> ours = Types(first);
                    List<string> theirs = Types(second);
                    merged["type"] = new JsonArray([.. ours.Intersect(theirs).Select(t => (JsonNode)JsonValue.Create(t))]);
                    break;
                default:
                    merged[keyword.Name] = value;
                    break;
            }
        }

        return ToElement(merged);
    }

    private static JsonElement ToElement(JsonNode node)
    {
        using JsonDocument document = JsonDocument.Parse(node.ToJsonString());
        return document.RootElement.Clone();
    }

    private sealed class CannotGenerateException : Exception;


    /// <summary>
    /// Strings matching simple patterns: literals, escapes, classes, <c>.</c>, groups with alternation and the
    /// quantifiers ? * + {n} {n,} {n,m}. Anything else (lookarounds, backreferences, \p{…}, anchors mid-pattern)
    /// is declined, and the caller falls back to known samples. Characters come from printable ASCII only.
    /// </summary>
    private sealed class PatternSampler
    {
        private static readonly char[] Printable = [.. Enumerable.Range(0x20, 0x5F).Select(c => (char)c)];
        private static readonly char[] Word = [.. Printable.Where(c => char.IsAsciiLetterOrDigit(c) || c == '_')];

        private readonly string _pattern;
        private readonly Random _random;
        private int _at;

        private PatternSampler(string pattern, Random random) => (_pattern, _random) = (pattern, random);

        public static bool TrySample(string pattern, Random random, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? sample)
        {
            var sampler = new PatternSampler(pattern, random);
            try
            {
                var sb = new StringBuilder();
                sampler.Alternation(sb);
                sample = sampler._at == pattern.Length ? sb.ToString() : null;
            }
            catch (FormatException)
            {
                sample = null;
            }

            return sample is not null;
        }

        // Alternatives are parsed in full (so the position ends right), but only the chosen one is kept.
        private void Alternation(StringBuilder output)
        {
            var options = new List<string>();
            do
            {
                var option = new StringBuilder();
                Sequence(option);
                options.Add(option.ToString());
            }
            while (Eat('|'));
            output.Append(options[_random.Next(options.Count)]);
        }

        private void Sequence(StringBuilder output)
        {
            while (_at < _pattern.Length && _pattern[_at] is not ('|' or ')'))
            {
                if (_pattern[_at] == '^' && _at == 0)
                {
                    _at++;
                    continue;
                }

                if (_pattern[_at] == '$' && _at == _pattern.Length - 1)
                {
                    _at++;
                    continue;
                }

                int start = _at;
                Atom(new StringBuilder()); // parse once to find the atom's end
                int end = _at;
                (int min, int max) = Quantifier();
                int times = min + _random.Next(max - min + 1);
                for (int i = 0; i < times; i++)
                {
                    _at = start;
                    Atom(output);
                }

                _at = end;
                Quantifier();
            }
        }

        private void Atom(StringBuilder output)
        {
            char c = _pattern[_at++];
            switch (c)
            {
                case '(':
                    if (Eat('?') && !Eat(':'))
                    {
                        throw new FormatException("lookaround or named group");
                    }

                    Alternation(output);
                    if (!Eat(')'))
                    {
                        throw new FormatException("unclosed group");
                    }

                    break;
                case '[':
                    output.Append(Choose(Class()));
                    break;
                case '.':
                    output.Append(Choose(Word));
                    break;
                case '\\':
                    output.Append(Choose(Escape()));
                    break;
                case '^' or '$' or '*' or '+' or '?' or '{' or ')' or '|':
                    throw new FormatException("unsupported position");
                default:
                    output.Append(c);
                    break;
            }
        }

        private (int Min, int Max) Quantifier()
        {
            if (_at >= _pattern.Length)
            {
                return (1, 1);
            }

            (int, int) result;
            switch (_pattern[_at])
            {
                case '?': _at++; result = (0, 1); break;
                case '*': _at++; result = (0, 4); break;
                case '+': _at++; result = (1, 5); break;
                case '{':
                    int close = _pattern.IndexOf('}', _at);
                    string[] parts = close < 0 ? [] : _pattern[(_at + 1)..close].Split(',');
                    if (parts.Length is < 1 or > 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int min))
                    {
                        throw new FormatException("quantifier");
                    }

                    int max = parts.Length == 1 ? min
                        : parts[1].Length == 0 ? min + 4
                        : int.TryParse(parts[1], CultureInfo.InvariantCulture, out int m) ? m : throw new FormatException("quantifier");
                    _at = close + 1;
                    result = (min, max);
                    break;
                default:
                    return (1, 1);
            }

            Eat('?'); // lazy or greedy generate the same strings
            return result;
        }

        private char[] Class()
        {
            bool negated = Eat('^');
            var members = new HashSet<char>();
            bool first = true;
            while (_at < _pattern.Length && (_pattern[_at] != ']' || first))
            {
                first = false;
                char[] from = _pattern[_at] == '\\' ? (++_at < _pattern.Length ? Escape() : throw new FormatException("escape")) : [_pattern[_at++]];
                if (from.Length == 1 && _at + 1 < _pattern.Length && _pattern[_at] == '-' && _pattern[_at + 1] != ']')
                {
                    _at++;
                    char to = _pattern[_at] == '\\' ? (++_at < _pattern.Length ? Single(Escape()) : throw new FormatException("escape")) : _pattern[_at++];
                    for (char x = from[0]; x <= to; x++)
                    {
                        members.Add(x);
                    }
                }
                else
                {
                    members.UnionWith(from);
                }
            }

            if (!Eat(']'))
            {
                throw new FormatException("unclosed class");
            }

            char[] chosen = negated ? [.. Printable.Where(p => !members.Contains(p))] : [.. members.Where(m => m < 0x80)];
            return chosen.Length > 0 ? chosen : throw new FormatException("no ASCII member");
        }

        private char[] Escape()
        {
            char e = _pattern[_at++];
            return e switch
            {
                'd' => [.. "0123456789"],
                'w' => Word,
                's' => [' '],
                'D' => [.. Printable.Where(p => !char.IsAsciiDigit(p))],
                'W' => [.. Printable.Where(p => !Word.Contains(p))],
                'S' => [.. Printable.Where(p => p != ' ')],
                'r' => ['\r'],
                'n' => ['\n'],
                't' => ['\t'],
                'x' => [Hex(2)],
                'u' => [Hex(4)],
                _ when char.IsAsciiLetterOrDigit(e) => throw new FormatException("escape"),
                _ => [e],
            };
        }

        private char Hex(int digits)
        {
            if (_at + digits > _pattern.Length
                || !int.TryParse(_pattern.AsSpan(_at, digits), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out int code))
            {
                throw new FormatException("escape");
            }

            _at += digits;
            return (char)code;
        }

        private static char Single(char[] set) => set.Length == 1 ? set[0] : throw new FormatException("range bound");

        private char Choose(char[] set) => set[_random.Next(set.Length)];

        private bool Eat(char c)
        {
            if (_at < _pattern.Length && _pattern[_at] == c)
            {
                _at++;
                return true;
            }

            return false;
        }
    }
}

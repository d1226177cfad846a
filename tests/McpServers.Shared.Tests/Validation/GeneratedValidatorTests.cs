using System.Globalization;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Validation;

namespace McpServers.Shared.Tests.Validation;

/// <summary>
/// A seeded generator of schema/instance pairs whose verdicts are known by construction (astral characters, lone
/// surrogates, integer-valued floats, huge exponents, repeated keys, deep nesting). Each pair must get its verdict, and
/// the deterministic work counter must stay linear in the instance's size. Same seed, same cases: a failure reproduces.
/// </summary>
public sealed class GeneratedValidatorTests
{
    private const int Seed = 20261130;
    private const int Cases = 3000;

    // Work allowed per character of instance text (plus a constant): linear, whatever the shape.
    private const long WorkPerChar = 100;

    private static readonly string[] Characters = ["a", "Z", "7", " ", "-", "é", "ж", "中", "٣", "😀", "𝐀", "🙂", "\U0010FFFD", "\U00020000"];

    private delegate (string Schema, string Instance, bool Valid, string? Keyword) Generator(Random random);

    private static readonly Generator[] Generators =
    [
        CodePointLength, CodePointPattern, NoLetters, LoneSurrogate, IntegerValuedFloat, HugeExponent, RepeatedKey, DeepNesting,
    ];

    [Fact]
    public void Generated_pairs_get_their_known_verdict_within_linear_work()
    {
        var random = new Random(Seed);
        var failures = new List<string>();
        for (int i = 0; i < Cases; i++)
        {
            Generator generator = Generators[random.Next(Generators.Length)];
            (string schema, string instance, bool valid, string? keyword) = generator(random);
            using JsonDocument s = JsonDocument.Parse(schema);
            using JsonDocument d = JsonDocument.Parse(instance, new JsonDocumentOptions { MaxDepth = 256 });

            IReadOnlyList<SchemaError> errors = JsonSchemaValidator.Compile(s.RootElement).Validate(d.RootElement, WorkMeter.DefaultLimit, out long work);

            long bound = 1000 + WorkPerChar * instance.Length;
            string label = $"case {i} ({generator.Method.Name}): schema {schema}, instance {Shorten(instance)}";
            if ((errors.Count == 0) != valid)
            {
                failures.Add($"{label}: expected valid={valid}, errors: {string.Join(" | ", errors.Select(e => e.Message))}");
            }
            else if (keyword is not null && !errors.Any(e => e.Keyword == keyword))
            {
                failures.Add($"{label}: expected a {keyword} error, got {string.Join(" | ", errors.Select(e => e.Keyword))}");
            }
            else if (work > bound)
            {
                failures.Add($"{label}: work {work} above {bound}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases} cases failed:\n" + string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void Generated_patterns_are_compiled_or_refused_cleanly_never_crash()
    {
        // OpenAPI documents bring arbitrary patterns: anything that is not a supported ECMA-262 pattern must be an
        // UnsupportedSchemaException naming the keyword, and an accepted one must match without throwing.
        string[] alphabet = [.. "ab0.|()[]^$\\dDwWsSpPbBkuxc{}1,-*+?=!<>:L".Select(c => c.ToString()), "😀"];
        var random = new Random(Seed);
        int accepted = 0;
        for (int i = 0; i < 2000; i++)
        {
            var sb = new StringBuilder();
            int length = random.Next(1, 12);
            for (int j = 0; j < length; j++)
            {
                sb.Append(alphabet[random.Next(alphabet.Length)]);
            }

            string pattern = sb.ToString();
            bool withMaxLength = random.Next(2) == 0;
            string schema = "{\"pattern\":" + Json(pattern) + (withMaxLength ? ",\"maxLength\":20}" : "}");
            using JsonDocument document = JsonDocument.Parse(schema);
            JsonSchemaValidator validator;
            try
            {
                validator = JsonSchemaValidator.Compile(document.RootElement);
            }
            catch (UnsupportedSchemaException ex)
            {
                Assert.Equal("pattern", ex.Keyword);
                continue;
            }

            accepted++;
            using JsonDocument value = JsonDocument.Parse(Json(Text(random, random.Next(0, 6))));
            _ = validator.Validate(value.RootElement);
        }

        Assert.True(accepted > 100, $"only {accepted} generated patterns were accepted");
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static string Text(Random random, int codePoints)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < codePoints; i++)
        {
            sb.Append(Characters[random.Next(Characters.Length)]);
        }

        return sb.ToString();
    }

    private static string Json(string text) => ValidatorHardeningTests.Quote(text);

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    // minLength/maxLength count code points.
    private static (string, string, bool, string?) CodePointLength(Random random)
    {
        int n = random.Next(0, 8);
        int limit = random.Next(0, 8);
        bool max = random.Next(2) == 0;
        string schema = max ? $$"""{"maxLength":{{limit}}}""" : $$"""{"minLength":{{limit}}}""";
        bool valid = max ? n <= limit : n >= limit;
        return (schema, Json(Text(random, n)), valid, valid ? null : max ? "maxLength" : "minLength");
    }

    // ".", negated classes and \S consume whole code points.
    private static (string, string, bool, string?) CodePointPattern(Random random)
    {
        int n = random.Next(0, 6);
        int count = random.Next(0, 6);
        string atom = random.Next(4) switch
        {
            0 => ".",
            1 => "[^\\n]",
            2 => "\\S",
            _ => "[\\s\\S]",
        };
        string text = Text(random, n).Replace(" ", "_", StringComparison.Ordinal);
        string schema = $$"""{"pattern":{{Json($"^{atom}{{{count}}}$")}}}""";
        return (schema, Json(text), n == count, n == count ? null : "pattern");
    }

    // \P{L} ("no letters") judged per code point, astral letters included.
    private static (string, string, bool, string?) NoLetters(Random random)
    {
        string text = Text(random, random.Next(1, 6));
        bool noLetter = text.EnumerateRunes().All(r => !Rune.IsLetter(r));
        return ("""{"pattern":"^\\P{L}+$"}""", Json(text), noLetter, noLetter ? null : "pattern");
    }

    // An unpaired surrogate escape is refused with a clear error, never a crash.
    private static (string, string, bool, string?) LoneSurrogate(Random random)
    {
        int unit = random.Next(2) == 0 ? random.Next(0xD800, 0xDC00) : random.Next(0xDC00, 0xE000);
        string escape = "\\u" + unit.ToString("x4", CultureInfo.InvariantCulture);
        string prefix = Text(random, random.Next(0, 3)).Replace("\U0010FFFD", "x", StringComparison.Ordinal);
        string value = "\"" + JsonEncodedText.Encode(prefix) + escape + "\"";
        string instance = random.Next(2) == 0 ? $$"""{"s":{{value}}}""" : $$"""{"a":[1,{"b":{{value}}}]}""";
        return ("""{"type":"object"}""", instance, false, "encoding");
    }

    // 5.0, 1e0, 50e-1 are integers; 5.5 is not.
    private static (string, string, bool, string?) IntegerValuedFloat(Random random)
    {
        long k = random.Next(-100_000, 100_000);
        string schema = random.Next(2) == 0 ? """{"type":"integer"}""" : """{"multipleOf":1}""";
        string keyword = schema.Contains("type", StringComparison.Ordinal) ? "type" : "multipleOf";
        int scale = random.Next(1, 4);
        bool whole = k % (long)Math.Pow(10, scale) == 0;
        return random.Next(6) switch
        {
            0 => (schema, N(k) + ".0", true, null),
            1 => (schema, N(k) + "e0", true, null),
            2 => (schema, N(k * 10) + "e-1", true, null),
            3 => (schema, N(k) + ".000E+000", true, null),
            4 => (schema, N(k) + ".5", false, keyword),
            // k·10^-scale is whole exactly when k is a multiple of 10^scale.
            _ => (schema, N(k) + "e-" + N(scale), whole, whole ? null : keyword),
        };
    }

    // Exponents far beyond any clamp compare exactly.
    private static (string, string, bool, string?) HugeExponent(Random random)
    {
        long e = 1_000_000_000_000L + random.NextInt64(0, 1_000_000_000_000_000L);
        string schema = $$"""{"maximum":1e{{N(e)}}}""";
        return random.Next(4) switch
        {
            0 => (schema, "1e" + N(e + 1), false, "maximum"),
            1 => (schema, "1e" + N(e - 1), true, null),
            2 => (schema, "9.99e" + N(e - 1), true, null),
            _ => (schema, "1.0000000001e" + N(e), false, "maximum"),
        };
    }

    // A repeated member name at any depth is refused, with its path.
    private static (string, string, bool, string?) RepeatedKey(Random random)
    {
        int depth = random.Next(0, 6);
        string name = Text(random, random.Next(1, 4));
        string inner = $$"""{{{Json(name)}}:1,"other":2,{{Json(name)}}:{{random.Next(3)}}}""";
        for (int i = 0; i < depth; i++)
        {
            inner = random.Next(2) == 0 ? $$"""{"k{{i}}":{{inner}}}""" : $"[0,{inner}]";
        }

        return ("true", inner, false, "duplicate");
    }

    // Recursive schema over nested arrays and objects, up to the depth limit: valid when the leaf is an integer.
    private static (string, string, bool, string?) DeepNesting(Random random)
    {
        const string schema = """
            {"$defs":{"n":{"anyOf":[{"type":"array","items":{"$ref":"#/$defs/n"}},
                                   {"type":"object","additionalProperties":{"$ref":"#/$defs/n"}},
                                   {"type":"integer"}]}},
             "$ref":"#/$defs/n"}
            """;
        int depth = random.Next(0, InstanceScreen.MaxDepth + 1);
        bool integerLeaf = random.Next(2) == 0;
        string value = integerLeaf ? "1.0" : "\"s\"";
        for (int i = 0; i < depth; i++)
        {
            value = random.Next(2) == 0 ? $"[{value}]" : $$"""{"k":{{value}}}""";
        }

        return (schema, value, integerLeaf, null);
    }
}

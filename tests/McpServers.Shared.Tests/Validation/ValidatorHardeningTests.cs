using System.Text.Json;
using System.Text.RegularExpressions;
using McpServers.Shared.Validation;

namespace McpServers.Shared.Tests.Validation;

/// <summary>
/// The validator's answers to differential fuzzing (issue 9 §2 and §4): code-point patterns, ECMA-262 syntax only,
/// repeated member names, exact numbers of any exponent, and a cost bounded by a deterministic work counter.
/// </summary>
public sealed class ValidatorHardeningTests
{
    private static JsonSchemaValidator CompileText(string schema)
    {
        using JsonDocument s = JsonDocument.Parse(schema);
        return JsonSchemaValidator.Compile(s.RootElement);
    }

    private static IReadOnlyList<SchemaError> Check(string schema, string instance) => Check(schema, instance, out _);

    private static IReadOnlyList<SchemaError> Check(string schema, string instance, out long work)
    {
        using JsonDocument i = JsonDocument.Parse(instance);
        return CompileText(schema).Validate(i.RootElement, WorkMeter.DefaultLimit, out work);
    }

    internal static string Quote(string value) => "\"" + JsonEncodedText.Encode(value).ToString() + "\"";

    [Theory]
    // "." and negated classes consume one code point, never half a surrogate pair
    [InlineData("^.{2}$", "😀", false)]
    [InlineData("^.$", "😀", true)]
    [InlineData("^.{1,3}$", "😀😀😀", true)]
    [InlineData("^.{1,3}$", "😀😀😀😀", false)]
    [InlineData("^[^a]{2}$", "😀", false)]
    [InlineData("^[^a]$", "😀", true)]
    [InlineData("^[^😀]$", "😀", false)]
    [InlineData("^[^😀]$", "😁", true)]
    [InlineData("^\\D{2}$", "😀", false)]
    [InlineData("^\\S$", "😀", true)]
    [InlineData("^\\W$", "😀", true)]
    // astral characters and classes are whole characters
    [InlineData("^[😀]{2}$", "😀", false)]
    [InlineData("^[😀]{2}$", "😀😀", true)]
    [InlineData("^[😀]$", "😀", true)]
    [InlineData("^😀{2}$", "😀😀", true)]
    [InlineData("^[\\u{1F600}-\\u{1F64F}]$", "😃", true)]
    [InlineData("^[\\u{1F600}-\\u{1F64F}]$", "🙐", false)]
    [InlineData("^\\u{1F600}$", "😀", true)]
    [InlineData("^\\uD83D\\uDE00$", "😀", true)]
    [InlineData("^[a-z\\u{10000}-\\u{10FFFF}]+$", "a😀𝐀", true)]
    // Unicode properties cover astral letters
    [InlineData("^\\P{L}+$", "𝐀", false)]
    [InlineData("^\\P{L}+$", "1-2", true)]
    [InlineData("^\\p{L}$", "𝐀", true)]
    [InlineData("^\\p{Letter}+$", "Émile𝐀", true)]
    [InlineData("^\\p{gc=Lu}$", "𝐀", true)]
    [InlineData("^[^\\p{L}]$", "𝐀", false)]
    [InlineData("\\p{Nd}", "x٣", true)]
    // ECMA meanings kept: ASCII \d and \w, "$" only at the very end, "-" beside a class escape in a class
    [InlineData("^\\d+$", "৩", false)]
    [InlineData("^[\\d-]+$", "1-2", true)]
    [InlineData("^[-\\w]+$", "a-b", true)]
    [InlineData("^a$", "a\n", false)]
    [InlineData("^\\0$", "\0", true)]
    [InlineData("^\\/\\.$", "/.", true)]
    public void Pattern_counts_code_points_like_ECMA_262_with_the_u_flag(string pattern, string value, bool valid)
    {
        IReadOnlyList<SchemaError> errors = Check($$"""{"pattern":{{Quote(pattern)}}}""", Quote(value));

        Assert.True((errors.Count == 0) == valid, $"pattern {pattern} on {value}: expected valid={valid}, got {string.Join(" | ", errors)}");
    }

    [Theory]
    // Lookarounds run on the backtracking engine; a search never starts between the halves of a surrogate pair there.
    [InlineData("(?<!.)(?!.)", "😀", false)]
    [InlineData("(?<!.)(?!.)", "", true)]
    [InlineData("(?=😀)", "a😀", true)]
    public void Lookaround_pattern_never_starts_inside_a_surrogate_pair(string pattern, string value, bool valid)
    {
        IReadOnlyList<SchemaError> errors = Check($$"""{"pattern":{{Quote(pattern)}},"maxLength":5}""", Quote(value));

        Assert.True((errors.Count == 0) == valid, $"pattern {pattern} on {value}: expected valid={valid}, got {string.Join(" | ", errors)}");
    }

    [Theory]
    [InlineData("^(?<n>a)(b)\\1$", "backreferences")]
    [InlineData("^(a)\\k<a>$", "backreferences")]
    [InlineData("^\\01$", "octal")]
    [InlineData("^[%-\\d]$", "range")]
    [InlineData("^[\\w-z]$", "range")]
    [InlineData("^[z-a]$", "out of order")]
    [InlineData("(?i)a", "not ECMA-262")]
    [InlineData("(?<n>a)(?<n>b)", "used twice")]
    [InlineData("a{", "repetition")]
    [InlineData("a}", "escaped")]
    [InlineData("a]", "escaped")]
    [InlineData("a**", "nothing to repeat")]
    [InlineData("\\-", "not ECMA-262")]
    [InlineData("\\a", "not ECMA-262")]
    [InlineData("\\z", "not ECMA-262")]
    [InlineData("\\p{Script=Greek}", "not supported")]
    [InlineData("[a", "not closed")]
    [InlineData("(a", "not closed")]
    [InlineData("a)", "unmatched")]
    [InlineData("a\\", "lone backslash")]
    [InlineData("\\u{110000}", "code point")]
    [InlineData("a{1,1000000}", "above")]
    public void Pattern_outside_ECMA_262_is_refused_at_registration(string pattern, string reason)
    {
        using JsonDocument schema = JsonDocument.Parse("""{"properties":{"p":{"pattern":""" + Quote(pattern) + "}}}");

        var ex = Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaValidator.Compile(schema.RootElement));

        Assert.Equal("pattern", ex.Keyword);
        Assert.Equal("#/properties/p/pattern", ex.SchemaPath);
        Assert.Contains(pattern, ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pattern_on_the_linear_engine_has_no_timeout()
    {
        EcmaPattern pattern = EcmaRegex.Create("^[a-z]+$", maxLength: null);

        Assert.False(pattern.Backtracking);
        Assert.Equal(Regex.InfiniteMatchTimeout, pattern.Regex.MatchTimeout);
        Assert.True((pattern.Regex.Options & RegexOptions.NonBacktracking) != 0);
    }

    [Theory]
    [InlineData("""{"pattern":"(?=a)a"}""")]
    [InlineData("""{"pattern":"a(?!b)"}""")]
    [InlineData("""{"pattern":"(?<=a)b"}""")]
    [InlineData("""{"pattern":"\\bword"}""")]
    [InlineData("""{"pattern":"(?=a)a","maxLength":20000}""")]
    [InlineData("""{"pattern":"^.{1,1000}$"}""")]
    public void Pattern_needing_the_backtracking_engine_is_refused_without_a_small_maxLength(string schema)
    {
        using JsonDocument document = JsonDocument.Parse(schema);

        var ex = Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaValidator.Compile(document.RootElement));

        Assert.Equal("pattern", ex.Keyword);
        Assert.Contains("maxLength", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"pattern":"^(?=.*\\d)\\w+$","maxLength":50}""", "\"abc1\"", true)]
    [InlineData("""{"pattern":"^(?=.*\\d)\\w+$","maxLength":50}""", "\"abcd\"", false)]
    [InlineData("""{"pattern":"a\\b","maxLength":10}""", "\"aé\"", true)]
    [InlineData("""{"pattern":"a\\B","maxLength":10}""", "\"ab\"", true)]
    [InlineData("""{"pattern":"(?<!😀)x","maxLength":10}""", "\"😀x\"", false)]
    [InlineData("""{"pattern":"^.{1,1000}$","maxLength":1000}""", "\"😀😀\"", true)]
    [InlineData("""{"pattern":"^.{1,1000}$","maxLength":1000}""", "\"\"", false)]
    public void Pattern_with_lookarounds_runs_on_the_backtracking_engine_under_maxLength(string schema, string instance, bool valid)
    {
        IReadOnlyList<SchemaError> errors = Check(schema, instance);

        Assert.True((errors.Count == 0) == valid, string.Join(" | ", errors));
    }

    [Fact]
    public void Pattern_is_skipped_when_maxLength_already_failed()
    {
        // Exponential on the backtracking engine, but the value is refused for its length before the pattern runs.
        IReadOnlyList<SchemaError> errors = Check("""{"pattern":"^(?=a)(a|aa)+$","maxLength":20}""", $"\"{new string('a', 200)}b\"");

        Assert.Equal("maxLength", Assert.Single(errors).Keyword);
    }

    [Fact]
    public void Pattern_timeout_is_paid_once_per_call_not_once_per_item()
    {
        string item = Quote(new string('a', 200) + "b");
        string items = "[" + string.Join(",", Enumerable.Repeat(item, 100)) + "]";

        IReadOnlyList<SchemaError> errors = Check("""{"items":{"pattern":"^(?=a)(a|aa)+$","maxLength":1000}}""", items);

        SchemaError error = Assert.Single(errors);
        Assert.Equal("[0]", error.Path);
        Assert.Contains("could not be checked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_member_name_in_a_nested_object_is_refused_even_where_the_schema_would_pass()
    {
        IReadOnlyList<SchemaError> errors = Check("""{"properties":{"cfg":{"not":{"const":{"mode":"admin"}}}}}""",
            """{"cfg":{"mode":"admin","mode":"admin"}}""");

        Assert.Equal(new SchemaError("cfg.mode", "duplicate", "the property `cfg.mode` appears more than once in `cfg`; send each property once"),
            Assert.Single(errors));
    }

    [Fact]
    public void Repeated_member_name_inside_array_items_is_refused_before_uniqueItems()
    {
        IReadOnlyList<SchemaError> errors = Check("""{"uniqueItems":true}""", """[{"a":1,"a":2},{"a":2}]""");

        SchemaError error = Assert.Single(errors);
        Assert.Equal("[0].a", error.Path);
        Assert.Equal("duplicate", error.Keyword);
    }

    [Fact]
    public void Repeated_top_level_parameter_is_named_as_a_parameter()
    {
        IReadOnlyList<SchemaError> errors = Check("{}", """{"limit":1,"limit":2}""");

        Assert.Equal("the parameter `limit` appears more than once; send each parameter once", Assert.Single(errors).Message);
    }

    [Theory]
    [InlineData("""{"a":1,"b":{"c":[1,{"d":1,"d":2}]}}""", "b.c[1]", "d", "b.c[1].d")]
    [InlineData("""{"x":1,"x":2}""", "", "x", "x")]
    [InlineData("""[{"a":{}},{"a b":0,"a\u0020b":1}]""", "[1]", "a b", "[1][\"a b\"]")]
    public void JsonDuplicates_finds_the_first_repeated_name(string json, string objectPath, string name, string path)
    {
        using JsonDocument document = JsonDocument.Parse(json);

        Assert.Equal(new DuplicateMember(objectPath, name, path), JsonDuplicates.FindFirst(document.RootElement));
    }

    [Theory]
    [InlineData("""{"a":{"a":1},"b":[{"a":1},{"a":2}]}""")]
    [InlineData("[1,1,\"x\"]")]
    public void JsonDuplicates_finds_nothing_without_repeats(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);

        Assert.Null(JsonDuplicates.FindFirst(document.RootElement));
    }

    [Theory]
    [InlineData("""{"maximum":1e1000000000000}""", "1e1000000000001", false)]
    [InlineData("""{"maximum":1e1000000000000}""", "1e1000000000000", true)]
    [InlineData("""{"maximum":1e1000000000000}""", "0.99e1000000000000", true)]
    [InlineData("""{"minimum":1e-1000000000000}""", "1e-1000000000001", false)]
    [InlineData("""{"exclusiveMaximum":-1e999999999999999999999}""", "-1e1000000000000000000000", true)]
    [InlineData("""{"multipleOf":1e1000000000000}""", "3e1000000000001", true)]
    [InlineData("""{"multipleOf":1e1000000000000}""", "3e999999999999", false)]
    [InlineData("""{"multipleOf":7}""", "1e1000000000000", false)]
    [InlineData("""{"multipleOf":0.5}""", "1e1000000000000", true)]
    [InlineData("""{"type":"integer"}""", "5.0", true)]
    [InlineData("""{"type":"integer"}""", "1e0", true)]
    [InlineData("""{"type":"integer"}""", "50e-1", true)]
    [InlineData("""{"type":"integer"}""", "1e-1000000000000", false)]
    [InlineData("""{"type":"integer"}""", "1e1000000000000", true)]
    public void Numbers_compare_exactly_at_any_exponent(string schema, string instance, bool valid)
    {
        IReadOnlyList<SchemaError> errors = Check(schema, instance);

        Assert.True((errors.Count == 0) == valid, string.Join(" | ", errors));
    }

    [Fact]
    public void Number_with_more_than_100_significant_digits_is_refused()
    {
        string hundred = "1" + new string('2', 98) + "3";
        string hundredAndOne = hundred + "4";

        Assert.Empty(Check("""{"type":"number"}""", hundred));
        Assert.Empty(Check("""{"type":"number"}""", "1" + new string('0', 900)));
        SchemaError error = Assert.Single(Check("""{"properties":{"n":{"type":"number"}}}""", $$"""{"n":{{hundredAndOne}}}"""));
        Assert.Equal(new SchemaError("n", "limits",
            "`n` is too long a number (at most 100 significant digits and 1000 characters); send a shorter number"), error);
        Assert.Equal("limits", Assert.Single(Check("{}", "1" + new string('0', 1000))).Keyword);
    }

    [Fact]
    public void Million_digit_number_is_refused_cheaply()
    {
        IReadOnlyList<SchemaError> errors = Check("""{"maximum":5,"multipleOf":3}""", "9" + new string('0', 1_000_000), out long work);

        Assert.Equal("limits", Assert.Single(errors).Keyword);
        Assert.True(work < 100_000, $"work {work}");
    }

    [Fact]
    public void String_with_a_lone_surrogate_is_refused_not_crashed()
    {
        IReadOnlyList<SchemaError> errors = Check("""{"properties":{"s":{"type":"string"}}}""", """{"s":"\ud800x"}""");

        SchemaError error = Assert.Single(errors);
        Assert.Equal(("s", "encoding"), (error.Path, error.Keyword));
        Assert.Equal("encoding", Assert.Single(Check("{}", """{"\udc00":1}""")).Keyword);
    }

    [Theory]
    [InlineData("""{"const":"\ud800"}""", "const")]
    [InlineData("""{"enum":[1,{"a":1,"a":2}]}""", "enum")]
    [InlineData("""{"properties":{"\udc00":{}}}""", "")]
    [InlineData("""{"pattern":"\ud800"}""", "pattern")]
    public void Schema_text_no_argument_could_match_is_refused_at_registration(string schema, string keyword)
    {
        using JsonDocument document = JsonDocument.Parse(schema);

        var ex = Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaValidator.Compile(document.RootElement));

        Assert.Equal(keyword, ex.Keyword);
    }

    [Fact]
    public void ValidateArguments_refuses_a_lone_surrogate_value()
    {
        JsonSchemaValidator validator = CompileText("""{"type":"object"}""");
        using JsonDocument value = JsonDocument.Parse("\"\\ud800\"");

        IReadOnlyList<SchemaError> errors = validator.ValidateArguments(new Dictionary<string, JsonElement> { ["s"] = value.RootElement });

        Assert.Equal("encoding", Assert.Single(errors).Keyword);
    }

    [Fact]
    public void UniqueItems_is_skipped_once_maxItems_failed_and_costs_almost_nothing()
    {
        string items = "[" + string.Join(",", Enumerable.Range(0, 5000)) + "]";

        IReadOnlyList<SchemaError> errors = Check("""{"maxItems":10,"uniqueItems":true}""", items, out long work);

        Assert.Equal("maxItems", Assert.Single(errors).Keyword);
        Assert.True(work < 20_000, $"work {work}");
    }

    [Fact]
    public void UniqueItems_is_linear_and_keeps_JSON_equality()
    {
        string distinct = "[" + string.Join(",", Enumerable.Range(0, 5000)) + "]";
        string repeated = "[" + string.Join(",", Enumerable.Range(0, 5000)) + ",4999.0]";

        Assert.Empty(Check("""{"uniqueItems":true}""", distinct, out long work));
        Assert.True(work < 100_000, $"work {work}");
        SchemaError error = Assert.Single(Check("""{"uniqueItems":true}""", repeated));
        Assert.Equal("the value must not contain duplicate items (items 4999 and 5000 are equal)", error.Message);
        Assert.NotEmpty(Check("""{"uniqueItems":true}""", """[{"a":[1,{"b":2}],"c":null},{"c":null,"a":[1.0,{"b":2e0}]}]"""));
        Assert.Empty(Check("""{"uniqueItems":true}""", """[{"a":1},{"a":"1"},[1],"1",1,true,null]"""));
    }

    [Theory]
    [InlineData(18)]
    [InlineData(40)]
    public void Recursive_anyOf_costs_work_linear_in_depth(int depth)
    {
        // Both branches descend into the same child, which used to be re-checked once per branch: 2^depth.
        const string schema = """
            {"$defs":{"t":{"anyOf":[
              {"type":"object","properties":{"a":{"$ref":"#/$defs/t"}},"required":["x"]},
              {"type":"object","properties":{"a":{"$ref":"#/$defs/t"}},"required":["y"]}]}},
             "$ref":"#/$defs/t"}
            """;
        string instance = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "{}" + new string('}', depth);

        IReadOnlyList<SchemaError> errors = Check(schema, instance, out long work);

        Assert.NotEmpty(errors);
        Assert.True(work < 200L * depth, $"work {work} for depth {depth}");
    }

    [Fact]
    public void Errors_collected_are_capped()
    {
        string items = "[" + string.Join(",", Enumerable.Repeat("\"x\"", 1000)) + "]";

        IReadOnlyList<SchemaError> errors = Check("""{"items":{"type":"integer"}}""", items);

        Assert.Equal(SchemaEvaluator.MaxErrors, errors.Count);
    }

    [Fact]
    public void Work_beyond_the_limit_is_refused_with_an_actionable_message()
    {
        JsonSchemaValidator validator = CompileText("""{"items":{"type":"integer","minimum":0}}""");
        using JsonDocument small = JsonDocument.Parse("[" + string.Join(",", Enumerable.Range(0, 100)) + "]");
        using JsonDocument large = JsonDocument.Parse("[" + string.Join(",", Enumerable.Range(0, 2000)) + "]");

        Assert.Empty(validator.Validate(small.RootElement, 1000, out long used));
        IReadOnlyList<SchemaError> errors = validator.Validate(large.RootElement, 1000, out long exceeded);

        Assert.True(used <= 1000, $"work {used}");
        Assert.True(exceeded > 1000);
        Assert.Equal(new SchemaError("", "limits", "the arguments are too large or too deeply nested to check; send fewer or shorter values"),
            Assert.Single(errors));
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        static string Nest(int levels) => new string('[', levels) + new string(']', levels);
        JsonSchemaValidator validator = CompileText("{}");
        using JsonDocument ok = JsonDocument.Parse(Nest(InstanceScreen.MaxDepth));
        using JsonDocument deep = JsonDocument.Parse(Nest(InstanceScreen.MaxDepth + 2), new JsonDocumentOptions { MaxDepth = 200 });

        Assert.Empty(validator.Validate(ok.RootElement));
        Assert.Equal("limits", Assert.Single(validator.Validate(deep.RootElement)).Keyword);
    }
}

using System.Diagnostics;
using System.Text.Json;
using McpServers.Shared.Validation;

namespace McpServers.Shared.Tests.Validation;

public sealed class JsonSchemaValidatorTests
{
    private static IReadOnlyList<SchemaError> Check(string schema, string instance)
    {
        using JsonDocument s = JsonDocument.Parse(schema);
        using JsonDocument i = JsonDocument.Parse(instance);
        return JsonSchemaValidator.Compile(s.RootElement).Validate(i.RootElement);
    }

    private static JsonSchemaValidator CompileText(string schema)
    {
        using JsonDocument s = JsonDocument.Parse(schema);
        return JsonSchemaValidator.Compile(s.RootElement);
    }

    [Theory]
    // type, including unions, null and integer-valued decimals
    [InlineData("""{"type":"string"}""", "\"x\"", true)]
    [InlineData("""{"type":"string"}""", "1", false)]
    [InlineData("""{"type":"integer"}""", "1", true)]
    [InlineData("""{"type":"integer"}""", "1.0", true)]
    [InlineData("""{"type":"integer"}""", "1e3", true)]
    [InlineData("""{"type":"integer"}""", "1.5", false)]
    [InlineData("""{"type":"integer"}""", "\"1\"", false)]
    [InlineData("""{"type":"number"}""", "1.5", true)]
    [InlineData("""{"type":"boolean"}""", "false", true)]
    [InlineData("""{"type":"boolean"}""", "0", false)]
    [InlineData("""{"type":"null"}""", "null", true)]
    [InlineData("""{"type":"null"}""", "\"\"", false)]
    [InlineData("""{"type":["string","null"]}""", "null", true)]
    [InlineData("""{"type":["string","null"]}""", "\"a\"", true)]
    [InlineData("""{"type":["string","null"]}""", "0", false)]
    [InlineData("""{"type":"object"}""", "[]", false)]
    [InlineData("""{"type":"array"}""", "{}", false)]
    // properties, required, additionalProperties
    [InlineData("""{"properties":{"a":{"type":"integer"}}}""", """{"a":1,"b":"x"}""", true)]
    [InlineData("""{"properties":{"a":{"type":"integer"}}}""", """{"a":"1"}""", false)]
    [InlineData("""{"required":["a"]}""", """{"a":null}""", true)]
    [InlineData("""{"required":["a"]}""", """{"b":1}""", false)]
    [InlineData("""{"required":["a"]}""", "[]", true)]
    [InlineData("""{"properties":{"a":{}},"additionalProperties":false}""", """{"a":1}""", true)]
    [InlineData("""{"properties":{"a":{}},"additionalProperties":false}""", """{"a":1,"b":2}""", false)]
    [InlineData("""{"additionalProperties":{"type":"string"}}""", """{"x":"y"}""", true)]
    [InlineData("""{"additionalProperties":{"type":"string"}}""", """{"x":1}""", false)]
    [InlineData("""{"minProperties":1}""", "{}", false)]
    [InlineData("""{"maxProperties":1}""", """{"a":1,"b":2}""", false)]
    [InlineData("""{"maxProperties":1}""", """{"a":1}""", true)]
    // nested objects and arrays of objects
    [InlineData("""{"properties":{"f":{"type":"array","items":{"type":"object","properties":{"op":{"enum":["eq","ne"]}},"required":["op"]}}}}""", """{"f":[{"op":"eq"},{"op":"ne"}]}""", true)]
    [InlineData("""{"properties":{"f":{"type":"array","items":{"type":"object","properties":{"op":{"enum":["eq","ne"]}},"required":["op"]}}}}""", """{"f":[{"op":"eq"},{"op":"lt"}]}""", false)]
    [InlineData("""{"properties":{"f":{"type":"array","items":{"type":"object","properties":{"op":{"enum":["eq","ne"]}},"required":["op"]}}}}""", """{"f":[{}]}""", false)]
    // enum and const: JSON equality
    [InlineData("""{"enum":["a",1,null]}""", "1.0", true)]
    [InlineData("""{"enum":["a",1,null]}""", "\"b\"", false)]
    [InlineData("""{"enum":[false]}""", "0", false)]
    [InlineData("""{"const":{"a":1,"b":[1,2]}}""", """{"b":[1.0,2],"a":1}""", true)]
    [InlineData("""{"const":{"a":1,"b":[1,2]}}""", """{"b":[2,1],"a":1}""", false)]
    [InlineData("""{"const":0}""", "-0", true)]
    [InlineData("""{"const":"x"}""", "\"X\"", false)]
    // strings: lengths count code points
    [InlineData("""{"minLength":2}""", "\"ab\"", true)]
    [InlineData("""{"minLength":2}""", "\"a\"", false)]
    [InlineData("""{"minLength":2}""", "\"😀\"", false)]
    [InlineData("""{"maxLength":1}""", "\"😀\"", true)]
    [InlineData("""{"maxLength":2}""", "\"😀😀😀\"", false)]
    [InlineData("""{"maxLength":2}""", "5", true)]
    // pattern: unanchored, ECMA semantics
    [InlineData("""{"pattern":"^\\d{4}-Q[1-4]$"}""", "\"2026-Q3\"", true)]
    [InlineData("""{"pattern":"^\\d{4}-Q[1-4]$"}""", "\"2026-5\"", false)]
    [InlineData("""{"pattern":"^\\d+$"}""", "\"১২৩\"", false)]
    [InlineData("""{"pattern":"^[\\d]+$"}""", "\"١٢\"", false)]
    [InlineData("""{"pattern":"^\\w+$"}""", "\"é\"", false)]
    [InlineData("""{"pattern":"^abc$"}""", "\"abc\\n\"", false)]
    [InlineData("""{"pattern":"^a.c$"}""", "\"a\\nc\"", false)]
    [InlineData("""{"pattern":"^.$"}""", "\"😀\"", true)]
    [InlineData("""{"pattern":"b"}""", "\"abc\"", true)]
    [InlineData("""{"pattern":"^\\p{Lu}"}""", "\"Émile\"", true)]
    // lookarounds need the backtracking engine, which is only used under a maxLength
    [InlineData("""{"pattern":"(?=x)x","maxLength":10}""", "\"x\"", true)]
    // numbers: bounds, exclusive bounds, big numbers and decimals
    [InlineData("""{"minimum":1,"maximum":500}""", "500", true)]
    [InlineData("""{"minimum":1,"maximum":500}""", "500.0000000000000000000000001", false)]
    [InlineData("""{"minimum":1,"maximum":500}""", "0.9999999999999999999999999999999", false)]
    [InlineData("""{"exclusiveMinimum":0}""", "0", false)]
    [InlineData("""{"exclusiveMinimum":0}""", "1e-400", true)]
    [InlineData("""{"exclusiveMaximum":10}""", "10.0", false)]
    [InlineData("""{"maximum":18446744073709551615}""", "18446744073709551616", false)]
    [InlineData("""{"maximum":18446744073709551615}""", "18446744073709551615", true)]
    [InlineData("""{"minimum":-1e400}""", "-1e399", true)]
    [InlineData("""{"maximum":1e308}""", "1e309", false)]
    [InlineData("""{"multipleOf":0.01}""", "19.99", true)]
    [InlineData("""{"multipleOf":0.01}""", "1.005", false)]
    [InlineData("""{"multipleOf":0.1}""", "0.3", true)]
    [InlineData("""{"multipleOf":3}""", "1e400", false)]
    [InlineData("""{"multipleOf":5}""", "1e400", true)]
    [InlineData("""{"multipleOf":1e-400}""", "1e-399", true)]
    // arrays
    [InlineData("""{"items":{"type":"integer"}}""", "[1,2,3]", true)]
    [InlineData("""{"items":{"type":"integer"}}""", "[1,\"2\"]", false)]
    [InlineData("""{"items":false}""", "[]", true)]
    [InlineData("""{"items":false}""", "[1]", false)]
    [InlineData("""{"prefixItems":[{"type":"string"},{"type":"integer"}],"items":false}""", """["a",1]""", true)]
    [InlineData("""{"prefixItems":[{"type":"string"},{"type":"integer"}],"items":false}""", """["a",1,2]""", false)]
    [InlineData("""{"prefixItems":[{"type":"string"}],"items":{"type":"integer"}}""", """["a",1,"b"]""", false)]
    [InlineData("""{"minItems":1}""", "[]", false)]
    [InlineData("""{"maxItems":1}""", "[1,2]", false)]
    [InlineData("""{"uniqueItems":true}""", "[1,2,3]", true)]
    [InlineData("""{"uniqueItems":true}""", "[1,2,1.0]", false)]
    [InlineData("""{"uniqueItems":true}""", """[{"a":1,"b":2},{"b":2,"a":1}]""", false)]
    // format assertions
    [InlineData("""{"format":"date"}""", "\"2024-02-29\"", true)]
    [InlineData("""{"format":"date"}""", "\"2023-02-29\"", false)]
    [InlineData("""{"format":"date-time"}""", "\"2026-01-31T13:45:00+01:00\"", true)]
    [InlineData("""{"format":"date-time"}""", "\"2026-01-31 13:45:00\"", false)]
    [InlineData("""{"format":"date-time"}""", "\"2016-12-31T23:59:60Z\"", true)]
    [InlineData("""{"format":"email"}""", "\"a.b@example.com\"", true)]
    [InlineData("""{"format":"email"}""", "\"a.b@\"", false)]
    [InlineData("""{"format":"uri"}""", "\"https://example.com/a?b=c#d\"", true)]
    [InlineData("""{"format":"uri"}""", "\"/relative/path\"", false)]
    [InlineData("""{"format":"uuid"}""", "\"123e4567-e89b-12d3-a456-426614174000\"", true)]
    [InlineData("""{"format":"uuid"}""", "\"123e4567e89b12d3a456426614174000\"", false)]
    [InlineData("""{"format":"uuid"}""", "42", true)]
    // combinators and boolean schemas
    [InlineData("""{"anyOf":[{"type":"string"},{"type":"integer"}]}""", "1", true)]
    [InlineData("""{"anyOf":[{"type":"string"},{"type":"integer"}]}""", "1.5", false)]
    [InlineData("""{"oneOf":[{"minimum":0},{"maximum":10}]}""", "5", false)]
    [InlineData("""{"oneOf":[{"minimum":0},{"maximum":10}]}""", "50", true)]
    [InlineData("""{"allOf":[{"minimum":0},{"maximum":10}]}""", "11", false)]
    [InlineData("""{"not":{"type":"null"}}""", "null", false)]
    [InlineData("""{"not":{"type":"null"}}""", "0", true)]
    [InlineData("true", "{}", true)]
    [InlineData("false", "{}", false)]
    // $ref and $defs, including recursion and escaped pointers
    [InlineData("""{"$defs":{"p":{"type":"string","pattern":"^\\d{4}$"}},"properties":{"y":{"$ref":"#/$defs/p"}}}""", """{"y":"2026"}""", true)]
    [InlineData("""{"$defs":{"p":{"type":"string","pattern":"^\\d{4}$"}},"properties":{"y":{"$ref":"#/$defs/p"}}}""", """{"y":"26"}""", false)]
    [InlineData("""{"definitions":{"p":{"type":"integer"}},"$ref":"#/definitions/p"}""", "1.5", false)]
    [InlineData("""{"$defs":{"a/b~c d":{"type":"integer"}},"$ref":"#/$defs/a~1b~0c%20d"}""", "\"x\"", false)]
    [InlineData("""{"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#"}}},"additionalProperties":false}""", """{"name":"a","children":[{"name":"b","children":[{"name":"c"}]}]}""", true)]
    [InlineData("""{"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#"}}},"additionalProperties":false}""", """{"name":"a","children":[{"name":"b","children":[{"nme":"c"}]}]}""", false)]
    [InlineData("""{"$id":"urn:example:root","$defs":{"x":{"type":"string"}},"$ref":"urn:example:root#/$defs/x"}""", "1", false)]
    public void Validate_gives_the_expected_verdict(string schema, string instance, bool valid)
    {
        IReadOnlyList<SchemaError> errors = Check(schema, instance);

        Assert.True((errors.Count == 0) == valid,
            $"expected valid={valid}; errors: {string.Join(" | ", errors.Select(e => e.Message))}");
    }

    [Theory]
    [InlineData("""{"if":{"type":"string"}}""", "if", "#/if")]
    [InlineData("""{"properties":{"a":{"dependentRequired":{"a":["b"]}}}}""", "dependentRequired", "#/properties/a/dependentRequired")]
    [InlineData("""{"unevaluatedProperties":false}""", "unevaluatedProperties", "#/unevaluatedProperties")]
    [InlineData("""{"patternProperties":{"^x":{}}}""", "patternProperties", "#/patternProperties")]
    [InlineData("""{"items":{"contains":{"const":1}}}""", "contains", "#/items/contains")]
    [InlineData("""{"$ref":"https://example.com/schema.json"}""", "$ref", "#/$ref")]
    [InlineData("""{"$ref":"#/$defs/missing"}""", "$ref", "#/$ref")]
    [InlineData("""{"$ref":"#anchor","$defs":{"a":{"$anchor":"anchor"}}}""", "$ref", "#/$ref")]
    [InlineData("""{"$defs":{"a":{"$anchor":"anchor"}}}""", "$anchor", "#/$defs/a/$anchor")]
    [InlineData("""{"properties":{"a":{"$id":"http://example.com/a"}}}""", "$id", "#/properties/a/$id")]
    [InlineData("""{"$ref":"#"}""", "$ref", "#")]
    [InlineData("""{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"allOf":[{"$ref":"#/$defs/a"}]}},"$ref":"#/$defs/a"}""", "$ref", "#/$defs/a")]
    [InlineData("""{"format":"hostname"}""", "format", "#/format")]
    [InlineData("""{"pattern":"(unclosed"}""", "pattern", "#/pattern")]
    [InlineData("""{"pattern":"(?i)abc"}""", "pattern", "#/pattern")]
    [InlineData("""{"pattern":"\\Aabc"}""", "pattern", "#/pattern")]
    [InlineData("""{"pattern":"\\p{Script=Greek}"}""", "pattern", "#/pattern")]
    [InlineData("""{"type":"float"}""", "type", "#/type")]
    [InlineData("""{"minLength":-1}""", "minLength", "#/minLength")]
    [InlineData("""{"maxItems":1.5}""", "maxItems", "#/maxItems")]
    [InlineData("""{"multipleOf":0}""", "multipleOf", "#/multipleOf")]
    [InlineData("""{"items":[{"type":"string"}]}""", "items", "#/items")]
    [InlineData("""{"anyOf":[]}""", "anyOf", "#/anyOf")]
    [InlineData("""{"$schema":"http://json-schema.org/draft-07/schema#"}""", "$schema", "#/$schema")]
    [InlineData("""{"$defs":{"unused":{"dependentSchemas":{}}}}""", "dependentSchemas", "#/$defs/unused/dependentSchemas")]
    [InlineData("""{"properties":{"a/b":{"minContains":1}}}""", "minContains", "#/properties/a~1b/minContains")]
    [InlineData("42", "", "#")]
    public void Compile_refuses_what_it_does_not_enforce(string schema, string keyword, string schemaPath)
    {
        using JsonDocument document = JsonDocument.Parse(schema);

        var ex = Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaValidator.Compile(document.RootElement));
        Assert.Equal(keyword, ex.Keyword);
        Assert.Equal(schemaPath, ex.SchemaPath);
        Assert.False(JsonSchemaValidator.TryCompile(document.RootElement, out _, out string? problem));
        Assert.Contains(schemaPath, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://example.com/tool","title":"t","description":"d","$comment":"c","properties":{"a":{"default":1,"examples":[1],"readOnly":true,"writeOnly":false,"deprecated":false}}}""")]
    [InlineData("""{"type":"object","properties":{},"additionalProperties":false}""")]
    [InlineData("""{"$defs":{"node":{"properties":{"next":{"$ref":"#/$defs/node"}}}},"$ref":"#/$defs/node"}""")]
    public void Compile_accepts_annotations_and_recursion_that_descends(string schema)
    {
        using JsonDocument document = JsonDocument.Parse(schema);

        Assert.True(JsonSchemaValidator.TryCompile(document.RootElement, out JsonSchemaValidator? validator, out string? problem), problem);
        Assert.NotNull(validator);
    }

    [Theory]
    [InlineData("""{"properties":{"period":{"type":"string","pattern":"^\\d{4}-Q[1-4]$"}}}""", """{"period":"2026-5"}""",
        "period", "pattern", "`period` must match the pattern ^\\d{4}-Q[1-4]$ (got \"2026-5\")")]
    [InlineData("""{"properties":{"metric":{"enum":["revenue","opex","headcount","ebitda"]}}}""", """{"metric":"sales"}""",
        "metric", "enum", "`metric` must be one of: revenue, opex, headcount, ebitda (got \"sales\")")]
    [InlineData("""{"required":["period"]}""", "{}",
        "period", "required", "missing required parameter `period`")]
    [InlineData("""{"properties":{"limit":{"type":"integer","maximum":500}}}""", """{"limit":9000}""",
        "limit", "maximum", "`limit` must be at most 500 (got 9000)")]
    [InlineData("""{"properties":{"a":{},"b":{},"c":{}},"additionalProperties":false}""", """{"foo":1}""",
        "foo", "additionalProperties", "unexpected parameter `foo` (allowed: a, b, c)")]
    [InlineData("""{"properties":{"limit":{"type":"integer"}}}""", """{"limit":"ten"}""",
        "limit", "type", "`limit` must be an integer (got \"ten\")")]
    [InlineData("""{"properties":{"q":{"type":["string","null"]}}}""", """{"q":5}""",
        "q", "type", "`q` must be a string or null (got 5)")]
    [InlineData("""{"properties":{"f":{"items":{"properties":{"op":{"enum":["eq","ne"]}}}}}}""", """{"f":[{"op":"eq"},{},{"op":"lt"}]}""",
        "f[2].op", "enum", "`f[2].op` must be one of: eq, ne (got \"lt\")")]
    [InlineData("""{"properties":{"f":{"items":{"required":["op"]}}}}""", """{"f":[{}]}""",
        "f[0].op", "required", "missing required property `f[0].op`")]
    [InlineData("""{"properties":{"name":{"minLength":3}}}""", """{"name":"😀😀"}""",
        "name", "minLength", "`name` must be at least 3 characters long (got 2)")]
    [InlineData("""{"properties":{"price":{"multipleOf":0.01}}}""", """{"price":1.005}""",
        "price", "multipleOf", "`price` must be a multiple of 0.01 (got 1.005)")]
    [InlineData("""{"properties":{"day":{"format":"date"}}}""", """{"day":"2026/01/31"}""",
        "day", "format", "`day` must be a date in the form YYYY-MM-DD (RFC 3339 full-date) (got \"2026/01/31\")")]
    [InlineData("""{"properties":{"tags":{"uniqueItems":true}}}""", """{"tags":["a","b","a"]}""",
        "tags", "uniqueItems", "`tags` must not contain duplicate items (items 0 and 2 are equal)")]
    [InlineData("""{"properties":{"pair":{"prefixItems":[{},{}],"items":false}}}""", """{"pair":[1,2,3]}""",
        "pair", "items", "`pair` must have at most 2 items (got 3)")]
    [InlineData("""{"properties":{"odd key":{"type":"string"}}}""", """{"odd key":1}""",
        "[\"odd key\"]", "type", "`[\"odd key\"]` must be a string (got 1)")]
    [InlineData("""{"type":"object"}""", "[1,2]",
        "", "type", "the value must be an object (got an array of 2 items)")]
    [InlineData("""{"properties":{"x":{"not":{"type":"null"}}}}""", """{"x":null}""",
        "x", "not", "`x` must not match the schema {\"type\":\"null\"} (got null)")]
    [InlineData("""{"properties":{"x":{"oneOf":[{"type":"integer"},{"type":"number"}]}}}""", """{"x":1}""",
        "x", "oneOf", "`x` must match exactly one of the allowed alternatives, but it matches alternatives 1 and 2")]
    public void Error_names_the_parameter_and_the_rule(string schema, string instance, string path, string keyword, string message)
    {
        IReadOnlyList<SchemaError> errors = Check(schema, instance);

        SchemaError error = Assert.Single(errors);
        Assert.Equal(new SchemaError(path, keyword, message), error);
    }

    [Fact]
    public void AnyOf_with_one_alternative_of_the_right_type_reports_that_alternatives_errors()
    {
        IReadOnlyList<SchemaError> errors = Check(
            """{"properties":{"when":{"anyOf":[{"type":"string","format":"date"},{"type":"null"}]}}}""",
            """{"when":"tomorrow"}""");

        SchemaError error = Assert.Single(errors);
        Assert.Equal("format", error.Keyword);
        Assert.StartsWith("`when` must be a date", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyOf_without_a_clear_alternative_summarises_each_one_on_a_single_line()
    {
        IReadOnlyList<SchemaError> errors = Check(
            """{"properties":{"id":{"anyOf":[{"type":"string","format":"uuid"},{"type":"integer","minimum":1}]}}}""",
            """{"id":true}""");

        SchemaError error = Assert.Single(errors);
        Assert.Equal(new SchemaError("id", "anyOf",
            "`id` must match one of the allowed alternatives, but: (1) `id` must be a string (got true); (2) `id` must be an integer (got true)"),
            error);
    }

    [Fact]
    public void Validate_reports_every_failing_parameter_in_a_stable_order()
    {
        const string schema = """
            {"type":"object","properties":{"period":{"type":"string","pattern":"^\\d{4}-Q[1-4]$"},
             "limit":{"type":"integer","maximum":500}},"required":["period","metric"],"additionalProperties":false}
            """;

        IReadOnlyList<SchemaError> first = Check(schema, """{"period":"2026-5","limit":9000,"foo":1}""");
        IReadOnlyList<SchemaError> second = Check(schema, """{"period":"2026-5","limit":9000,"foo":1}""");

        Assert.Equal(["metric", "period", "limit", "foo"], first.Select(e => e.Path));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Long_values_are_truncated_in_messages()
    {
        string longValue = new('x', 5000);

        IReadOnlyList<SchemaError> errors = Check("""{"properties":{"s":{"pattern":"^a"}}}""", $$"""{"s":"{{longValue}}"}""");

        SchemaError error = Assert.Single(errors);
        Assert.True(error.Message.Length < 120, error.Message);
        Assert.Contains("…", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("^(a+)+$")]
    [InlineData("^(a|a)*$")]
    [InlineData("^(a+)+(?=b)c$")]
    [InlineData("^(\\w+\\s?)*$")]
    public void Catastrophic_patterns_fail_quickly_instead_of_hanging(string pattern)
    {
        // maxLength lets the lookahead case onto the backtracking engine; the others run on the linear-time engine.
        JsonSchemaValidator validator = CompileText($$"""{"pattern":{{JsonSerializerQuote(pattern)}},"maxLength":10000}""");
        using JsonDocument instance = JsonDocument.Parse($"\"{new string('a', 5000)}!\"");
        var stopwatch = Stopwatch.StartNew();

        IReadOnlyList<SchemaError> errors = validator.Validate(instance.RootElement);

        stopwatch.Stop();
        SchemaError error = Assert.Single(errors);
        Assert.Equal("pattern", error.Keyword);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void Pattern_timeout_is_a_failure_with_a_clear_message()
    {
        // A lookahead forces the backtracking engine, where this pattern is exponential (backreferences are refused).
        JsonSchemaValidator validator = CompileText("""{"properties":{"s":{"pattern":"^(?=a)(a|aa)+$","maxLength":1000}}}""");
        using JsonDocument instance = JsonDocument.Parse($$"""{"s":"{{new string('a', 200)}}b"}""");

        SchemaError error = Assert.Single(validator.Validate(instance.RootElement));

        Assert.Equal("pattern", error.Keyword);
        Assert.Equal("`s` could not be checked against the pattern ^(?=a)(a|aa)+$ in time; send a shorter or simpler value", error.Message);
    }

    [Fact]
    public void ValidateArguments_treats_null_as_an_empty_object()
    {
        JsonSchemaValidator validator = CompileText("""{"type":"object","required":["period"]}""");

        IReadOnlyList<SchemaError> errors = validator.ValidateArguments(null);

        Assert.Equal([new SchemaError("period", "required", "missing required parameter `period`")], errors);
    }

    [Fact]
    public void ValidateArguments_validates_the_object_made_of_the_arguments()
    {
        JsonSchemaValidator validator = CompileText(
            """{"type":"object","properties":{"limit":{"type":"integer","maximum":500}},"additionalProperties":false}""");
        using JsonDocument limit = JsonDocument.Parse("9000");
        using JsonDocument ok = JsonDocument.Parse("5");

        IReadOnlyList<SchemaError> bad = validator.ValidateArguments(new Dictionary<string, JsonElement> { ["limit"] = limit.RootElement });
        IReadOnlyList<SchemaError> good = validator.ValidateArguments(new Dictionary<string, JsonElement> { ["limit"] = ok.RootElement });

        Assert.Equal("`limit` must be at most 500 (got 9000)", Assert.Single(bad).Message);
        Assert.Empty(good);
    }

    [Fact]
    public void Describe_lists_every_error_in_one_message()
    {
        SchemaError[] errors =
        [
            new("period", "required", "missing required parameter `period`"),
            new("limit", "maximum", "`limit` must be at most 500 (got 9000)"),
        ];

        string message = JsonSchemaValidator.Describe(errors);

        Assert.Equal("Invalid arguments (2 problems):\n- missing required parameter `period`\n- `limit` must be at most 500 (got 9000)", message);
        Assert.Equal("Invalid arguments: missing required parameter `period`.", JsonSchemaValidator.Describe(errors[..1]));
    }

    [Fact]
    public void Compiled_validator_outlives_the_schema_document_and_is_thread_safe()
    {
        JsonSchemaValidator validator;
        using (JsonDocument schema = JsonDocument.Parse("""{"properties":{"n":{"type":"integer","enum":[1,2,3]}}}"""))
        {
            validator = JsonSchemaValidator.Compile(schema.RootElement);
        }

        using JsonDocument good = JsonDocument.Parse("""{"n":2}""");
        using JsonDocument bad = JsonDocument.Parse("""{"n":4}""");
        Parallel.For(0, 200, i =>
        {
            Assert.Empty(validator.Validate(good.RootElement));
            Assert.Single(validator.Validate(bad.RootElement));
        });
    }

    private static string JsonSerializerQuote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

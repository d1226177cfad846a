using System.Text.Json;
using McpServers.Shared.Pipeline;
using McpServers.TestServer;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Shared.Tests.Pipeline;

/// <summary>Inputs the advertised schema allows must never become "internal error".</summary>
public sealed class ArgumentShapeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static string Outcome(JsonElement e) => e.GetProperty("outcome").GetString()!;

    private static JsonElement Json(string text)
    {
        using JsonDocument document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    [Theory]
    [InlineData("2.0")]
    [InlineData("2e0")]
    [InlineData("0.2e1")]
    [InlineData("2.000")]
    public async Task IntegerValuedNumbers_AreAcceptedWhereTheSchemaSaysInteger(string spelled)
    {
        await using var host = TestServerUnderTest.Start();
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult top = await client.CallToolAsync("test_echo", new Dictionary<string, object?> { ["message"] = "hi", ["count"] = Json(spelled) }, cancellationToken: Ct);
        CallToolResult items = await client.CallToolAsync("test_sum", new Dictionary<string, object?>
        {
            ["numbers"] = Json($"[{spelled}, 1e1, 3]"),
            ["limit"] = Json(spelled),
        }, cancellationToken: Ct);

        Assert.Equal("hi hi", Text(top));
        Assert.Equal("15 [] limit 2", Text(items));
        Assert.Equal([AuditOutcome.Ok, AuditOutcome.Ok], host.AuditEvents().Select(Outcome));
    }

    [Fact]
    public async Task NonIntegerNumbers_AreStillRefusedWhereTheSchemaSaysInteger()
    {
        await using var host = TestServerUnderTest.Start();
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult result = await client.CallToolAsync("test_sum", new Dictionary<string, object?> { ["numbers"] = Json("[2.5]") }, cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("Invalid arguments", Text(result), StringComparison.Ordinal);
        Assert.Equal(0, host.Services.GetRequiredService<CallRecorder>().Calls);
    }

    [Fact]
    public async Task NullListItems_AreRefusedByValidation_AndAdvertisedAsNotNullable()
    {
        await using var host = TestServerUnderTest.Start();
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult result = await client.CallToolAsync("test_sum", new Dictionary<string, object?>
        {
            ["numbers"] = Json("[1]"),
            ["tags"] = Json("[\"a\", null]"),
        }, cancellationToken: Ct);
        JsonElement schema = (await client.ListToolsAsync(cancellationToken: Ct)).Single(t => t.Name == "test_sum").ProtocolTool.InputSchema;

        Assert.True(result.IsError);
        Assert.Contains("`tags", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", Text(result), StringComparison.Ordinal);
        Assert.Equal(0, host.Services.GetRequiredService<CallRecorder>().Calls);
        Assert.Equal(AuditOutcome.Invalid, Outcome(Assert.Single(host.AuditEvents())));
        Assert.Equal("string", schema.GetProperty("properties").GetProperty("tags").GetProperty("items").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"window":{"days":7.0,"label":"x","ratio":0.5}}""", """{"days":7,"label":"x","ratio":0.5}""")]
    [InlineData("""{"window":{"days":1e1,"ratio":2.0}}""", """{"days":10,"ratio":2.0}""")]
    [InlineData("""{"pages":[{"n":2.0},{"n":3}]}""", """[{"n":2},{"n":3}]""")]
    [InlineData("""{"byref":{"days":4.00}}""", """{"days":4}""")]
    public void IntegerValuedNumbers_AreRespelledInNestedObjectsArraysAndRefs_OnlyWhereTheSchemaSaysInteger(string arguments, string expected)
    {
        JsonElement schema = Json("""
            {"type":"object","properties":{
              "window":{"type":"object","properties":{"days":{"type":"integer"},"label":{"type":"string"},"ratio":{"type":"number"}}},
              "pages":{"type":"array","items":{"type":"object","properties":{"n":{"type":["integer","null"]}}}},
              "byref":{"$ref":"#/$defs/w"}},
             "$defs":{"w":{"type":"object","properties":{"days":{"type":"integer"}}}}}
            """);
        Dictionary<string, JsonElement> args = Json(arguments).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

        Dictionary<string, JsonElement>? normalised = IntegerArguments.Normalise(schema, args);

        Assert.NotNull(normalised);
        Assert.Equal(expected, Assert.Single(normalised.Values).GetRawText());
    }

    [Fact]
    public void ArgumentsWithoutIntegerValuedFloats_AreLeftAlone()
    {
        JsonElement schema = Json("""{"type":"object","properties":{"n":{"type":"integer"},"x":{"type":"number"}}}""");

        Assert.Null(IntegerArguments.Normalise(schema, new Dictionary<string, JsonElement> { ["n"] = Json("3"), ["x"] = Json("3.0") }));
    }
}

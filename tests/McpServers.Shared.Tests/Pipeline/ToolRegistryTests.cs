using System.Text.Json;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using McpServers.Testing.Hosting;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Tests.Pipeline;

/// <summary>Registration fails closed: nothing is advertised that the pipeline would not enforce.</summary>
public sealed class ToolRegistryTests
{
    private static InMemoryMcpServer Serve(params McpServerTool[] tools) =>
        new((services, configuration) => services.AddMcpSuiteServer(configuration, TestServer.TestServer.Identity,
            new ToolCatalog().AddSource(_ => tools)));

    [Fact]
    public void SchemaWithAKeywordTheValidatorDoesNotEnforce_StopsTheServerFromStarting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Serve(
            new SchemaTool("test_conditional", """{"type":"object","properties":{"a":{"type":"string"}},"if":{"required":["a"]},"then":{"required":["b"]}}""")));

        Assert.Contains("test_conditional", error.Message, StringComparison.Ordinal);
        Assert.Contains("if", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TestCamelCase")]
    [InlineData("test-dashes")]
    [InlineData("test_a_name_that_is_far_too_long_for_the_client_prefix_rule")]
    public void NamesOutsideTheSuiteRule_AreRefused(string name)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Serve(new SchemaTool(name, """{"type":"object"}""")));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoToolsWithOneName_AreRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Serve(
            new SchemaTool("test_twice", """{"type":"object"}"""), new SchemaTool("test_twice", """{"type":"object"}""")));

        Assert.Contains("test_twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdvertisedSchema_IsMadeStrict_AndThatIsWhatIsEnforced()
    {
        await using var host = Serve(new SchemaTool("test_nested",
            """{"type":"object","properties":{"filter":{"type":"object","properties":{"column":{"type":"string"}}}}}"""));
        var registry = (ToolRegistry)host.Services.GetService(typeof(ToolRegistry))!;
        Assert.True(registry.TryGet("test_nested", out RegisteredTool? tool));

        JsonElement schema = tool.Tool.ProtocolTool.InputSchema;
        var typo = new Dictionary<string, JsonElement> { ["filter"] = JsonDocument.Parse("""{"colum":"x"}""").RootElement };

        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.False(schema.GetProperty("properties").GetProperty("filter").GetProperty("additionalProperties").GetBoolean());
        Assert.Contains(tool.Validator.ValidateArguments(typo), e => e.Message.Contains("colum", StringComparison.Ordinal));
    }

    /// <summary>A tool defined at run time, as administrator-declared tools are.</summary>
    private sealed class SchemaTool(string name, string schema) : McpServerTool
    {
        public override Tool ProtocolTool { get; } = new()
        {
            Name = name,
            Description = "A tool whose schema the test chooses.",
            InputSchema = JsonDocument.Parse(schema).RootElement.Clone(),
            Annotations = new ToolAnnotations { Title = name, ReadOnlyHint = true, DestructiveHint = false, IdempotentHint = true, OpenWorldHint = false },
        };

        public override IReadOnlyList<object> Metadata => [];

        public override ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(ToolResults.Text("ok"));
    }
}

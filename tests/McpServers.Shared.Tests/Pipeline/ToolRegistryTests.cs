using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using McpServers.Testing.Hosting;
using McpServers.Testing.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelContextProtocol.Client;
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

    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(1);

    private const string Source = "the test list (setting TestList)";

    /// <summary>A server whose one source loads in the background, when the test completes <paramref name="load"/>.</summary>
    private static InMemoryMcpServer ServeLater(TaskCompletionSource<IEnumerable<McpServerTool>> load, TimeProvider? clock = null) =>
        new((services, configuration) => services.AddMcpSuiteServer(configuration, TestServer.TestServer.Identity,
            new ToolCatalog().AddSource(_ => new PendingTools(load.Task, Wait, Source))),
            configureServices: services => services.Replace(ServiceDescriptor.Singleton(clock ?? TimeProvider.System)));

    [Fact]
    public async Task BackgroundSource_StartsWithTheServer_AndItsToolsAreListedOnceLoaded()
    {
        var load = new TaskCompletionSource<IEnumerable<McpServerTool>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using InMemoryMcpServer host = ServeLater(load);
        await using McpClient client = await host.ConnectAsync(cancellationToken: TestContext.Current.CancellationToken);
        var registry = host.Services.GetRequiredService<ToolRegistry>();
        Assert.Empty(registry.All);

        Task<IList<McpClientTool>> list = client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken).AsTask();
        load.SetResult([new SchemaTool("test_later", """{"type":"object"}""")]);
        IList<McpClientTool> tools = await list;
        CallToolResult result = await client.CallToolAsync("test_later", new Dictionary<string, object?>(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["test_later"], tools.Select(t => t.Name));
        Assert.Equal("ok", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.True(registry.Ready.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task BackgroundSource_NotLoadedWithinItsWait_IsAnErrorNamingItsSetting()
    {
        var load = new TaskCompletionSource<IEnumerable<McpServerTool>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = new GatedTimeProvider(Wait);
        await using InMemoryMcpServer host = ServeLater(load, clock);
        var registry = host.Services.GetRequiredService<ToolRegistry>();

        Task waiting = registry.WhenReadyAsync(TestContext.Current.CancellationToken);
        await clock.ExpireNextAsync(TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<ToolsUnavailableException>(() => waiting);

        Assert.Equal($"This server's tools are not available yet: {Source} did not load within 60 s. Try again shortly; if this persists, an administrator must check that setting.", error.Message);
        Assert.False(registry.Ready.IsCompleted);
    }

    public static TheoryData<Exception, string> SourceFailures => new()
    {
        { new ConfigurationException("TestList: the file 'x.json' does not exist."), "TestList: the file 'x.json' does not exist." },
        { new BackendException(BackendErrorKind.Unavailable, "The list server could not be reached; try again later."), "The list server could not be reached; try again later." },
        // An exception we did not write may carry hosts or paths: never shown.
        { new IOException("connect to db.corp.internal:5432 failed"), "It failed unexpectedly; the server's diagnostic log says why." },
    };

    [Theory]
    [MemberData(nameof(SourceFailures))]
    public async Task BackgroundSource_ThatFails_IsAnErrorNamingItsSettingAndOnlyOurOwnReason(Exception failure, string reason)
    {
        var load = new TaskCompletionSource<IEnumerable<McpServerTool>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using InMemoryMcpServer host = ServeLater(load);
        load.SetException(failure);

        var error = await Assert.ThrowsAsync<ToolsUnavailableException>(
            () => host.Services.GetRequiredService<ToolRegistry>().WhenReadyAsync(TestContext.Current.CancellationToken));

        Assert.Equal($"This server's tools are not available: {Source} could not be loaded. {reason}", error.Message);
    }

    [Fact]
    public async Task BackgroundSource_WithAToolOutsideTheSuiteRule_ServesNothing_AndSaysWhy()
    {
        var load = new TaskCompletionSource<IEnumerable<McpServerTool>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using InMemoryMcpServer host = ServeLater(load);
        load.SetResult([new SchemaTool("test_fine", """{"type":"object"}"""), new SchemaTool("Test-Bad", """{"type":"object"}""")]);
        var registry = host.Services.GetRequiredService<ToolRegistry>();

        var error = await Assert.ThrowsAsync<ToolsUnavailableException>(() => registry.WhenReadyAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Tool name 'Test-Bad' is not allowed", error.Message, StringComparison.Ordinal);
        Assert.Empty(registry.All);
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

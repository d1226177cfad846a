using System.Globalization;
using System.Text.Json;
using McpServers.InternalApi.Options;
using McpServers.InternalApi.Tests.Service;
using McpServers.Testing.Hosting;
using McpServers.Testing.Http;
using McpServers.Testing.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>
/// The OpenAPI document loads in the background: a slow document URL holds up neither start-up nor <c>initialize</c>;
/// tools/list and tools/call wait for it up to <c>DocumentTimeout</c>, then answer with an error naming the setting.
/// </summary>
public sealed class DocumentLoadTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(1);
    private readonly LoopbackHttpServer _server = new();
    private readonly TaskCompletionSource _documentGate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server.Routes.MapGet("/api/slow.json", async () =>
        {
            await _documentGate.Task;
            return Results.Text(InventoryService.Document, "application/json");
        });
        _server.Routes.MapGet("/api/whole.json", () => Results.Text(InventoryService.Document, "application/json"));
        _server.Routes.MapGet("/api/missing.json", () => Results.NotFound());
        _server.Routes.MapGet("/api/broken.json", () => Results.Text("{ \"openapi\": ", "application/json"));
        await _server.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _documentGate.TrySetResult();
        await _server.DisposeAsync();
    }

    private InMemoryMcpServer Start(string document, TimeProvider clock, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Document"] = new Uri(_server.BaseAddress, "api/" + document).ToString(),
            ["BaseUrl"] = new Uri(_server.BaseAddress, "api").ToString(),
            ["DocumentTimeout"] = Wait.ToString(),
            ["Http:MaxRetries"] = "0",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return new InMemoryMcpServer((s, c) => s.AddInternalApiServer(c), settings,
            services => services.Replace(ServiceDescriptor.Singleton(clock)));
    }

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    [Fact]
    public async Task SlowDocumentUrl_InitializeAnswers_RequestsWaitThenNameTheSetting_AndTheToolsAppearOnceItLoads()
    {
        var clock = new GatedTimeProvider(Wait);
        await using InMemoryMcpServer host = Start("slow.json", clock);
        // The document is held back until the end of the test: initialize must not wait for it.
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        var listChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            listChanged.TrySetResult();
            return ValueTask.CompletedTask;
        });

        Task<IList<McpClientTool>> list = client.ListToolsAsync(cancellationToken: Ct).AsTask();
        await clock.ExpireNextAsync(Ct);
        var listError = await Assert.ThrowsAsync<McpProtocolException>(() => list);
        Task<CallToolResult> call = client.CallToolAsync("api_list_items", new Dictionary<string, object?>(), cancellationToken: Ct).AsTask();
        await clock.ExpireNextAsync(Ct);
        CallToolResult callResult = await call;

        Assert.Contains("Document, --openapi", listError.Message, StringComparison.Ordinal);
        Assert.Contains("did not load within 60 s", listError.Message, StringComparison.Ordinal);
        Assert.True(callResult.IsError);
        Assert.Contains("Document, --openapi", Text(callResult), StringComparison.Ordinal);
        JsonElement audit = Assert.Single(host.AuditEvents());
        Assert.Equal("error", audit.GetProperty("outcome").GetString());

        _documentGate.SetResult();
        await listChanged.Task.WaitAsync(Ct);
        IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: Ct);

        Assert.Contains(tools, t => t.Name == "api_list_items");
    }

    [Fact]
    public async Task ACallWaitingForTheDocument_RunsOnceItHasLoaded()
    {
        await using InMemoryMcpServer host = Start("slow.json", new GatedTimeProvider(Wait));
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        Task<CallToolResult> call = client.CallToolAsync("api_get_item", new Dictionary<string, object?> { ["itemId"] = "w-1" }, cancellationToken: Ct).AsTask();
        _documentGate.SetResult();
        CallToolResult result = await call;

        // The loopback server has no item routes: the call reached it, so the tool was found and run.
        Assert.True(result.IsError);
        Assert.Contains("has no such resource", Text(result), StringComparison.Ordinal);
        Assert.Contains(_server.Requests, r => r.Path == "/api/items/w-1");
    }

    [Theory]
    [InlineData("missing.json", null, "answered HTTP 404")]
    [InlineData("broken.json", null, "Document '/api/broken.json'")]
    [InlineData("whole.json", "2048", "The OpenAPI document server")]
    public async Task ADocumentThatFailsToLoad_IsAnErrorNamingTheSetting(string document, string? maxBytes, string reason)
    {
        var clock = new GatedTimeProvider(Wait);
        await using InMemoryMcpServer host = maxBytes is null
            ? Start(document, clock)
            : Start(document, clock, ("Http:MaxResponseBytes", maxBytes));
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        var listError = await Assert.ThrowsAsync<McpProtocolException>(() => client.ListToolsAsync(cancellationToken: Ct).AsTask());
        CallToolResult call = await client.CallToolAsync("api_list_items", new Dictionary<string, object?>(), cancellationToken: Ct);

        Assert.Contains("could not be loaded", listError.Message, StringComparison.Ordinal);
        Assert.Contains("Document, --openapi", listError.Message, StringComparison.Ordinal);
        Assert.Contains(reason, listError.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", listError.Message, StringComparison.Ordinal);
        Assert.True(call.IsError);
        Assert.Contains(reason, Text(call), StringComparison.Ordinal);
        Assert.Contains("could not be loaded", host.DiagnosticLog, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00.500", true)]
    [InlineData("00:00:01", false)]
    [InlineData("00:05:00", false)]
    [InlineData("00:05:01", true)]
    public void DocumentTimeout_OutsideOneSecondToFiveMinutes_IsRefusedNamingTheSetting(string timeout, bool refused)
    {
        var options = new InternalApiOptions { Document = "x.json", BaseUrl = "https://inventory.internal/api", DocumentTimeout = TimeSpan.Parse(timeout, CultureInfo.InvariantCulture) };

        IReadOnlyList<string> problems = InternalApiOptionsValidator.Check(options);

        Assert.Equal(refused ? ["DocumentTimeout: must be between 00:00:01 and 00:05:00."] : [], problems);
    }
}

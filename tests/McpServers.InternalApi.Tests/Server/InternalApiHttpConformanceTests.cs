using System.Text.Json.Nodes;
using McpServers.InternalApi.Tests.Service;
using McpServers.Testing.Conformance;
using McpServers.Testing.Hosting;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>
/// mcp-internal-api in front of a hostile service: the inventory document from a file (so the tools exist whatever the
/// service does), retries off.
/// </summary>
public sealed class InternalApiHttpBackend : IHttpBackendServer
{
    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddInternalApiServer(configuration);

    public IReadOnlyDictionary<string, string?> SettingsFor(Uri backend) => new Dictionary<string, string?>
    {
        ["Document"] = InventoryService.DocumentFile,
        ["BaseUrl"] = new Uri(backend, "api").ToString(),
        ["Include"] = InternalApiServerUnderTest.Include,
        ["Http:MaxRetries"] = "0",
    };

    public string HttpSection => "Http";

    public (string Tool, JsonObject Arguments) BackendCall => ("api_list_items", new JsonObject { ["limit"] = 1 });
}

public sealed class InternalApiHttpConformanceTests : HttpBackendConformanceTests<InternalApiHttpBackend>
{
    protected override InternalApiHttpBackend Server { get; } = new();
}

/// <summary>
/// The client-credentials token endpoint is a backend too: redirected, the client secret must not travel with a
/// 307/308, and another host's token (301/302/303) must not be used.
/// </summary>
public sealed class InternalApiTokenEndpointRedirectTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task RedirectedTokenEndpoint_IsRefused_AndTheOtherHostGetsNoSecret(int status)
    {
        await using var other = new LoopbackHttpServer();
        other.MapEverywhere(() => Results.Json(new { access_token = "other-host-token", expires_in = 3600 }));
        await other.StartAsync(Ct);
        await using var service = new LoopbackHttpServer();
        service.Routes.MapPost("/oauth/token", LoopbackHttpServer.Redirect(status, LoopbackHttpServer.LocationOn(other, "token")));
        service.MapEverywhere(() => Results.Json(new { items = Array.Empty<object>() }));
        await service.StartAsync(Ct);
        await using var host = new InMemoryMcpServer((s, c) => s.AddInternalApiServer(c), new Dictionary<string, string?>
        {
            ["Document"] = InventoryService.DocumentFile,
            ["BaseUrl"] = new Uri(service.BaseAddress, "api").ToString(),
            ["Include"] = InternalApiServerUnderTest.Include,
            ["Http:MaxRetries"] = "0",
            ["Auth:Mode"] = "ClientCredentials",
            ["Auth:TokenUrl"] = new Uri(service.BaseAddress, "oauth/token").ToString(),
            ["Auth:ClientId"] = "client-1",
            ["Auth:ClientSecret"] = "CANARY-client-secret",
        });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult result = await client.CallToolAsync("api_list_items", new Dictionary<string, object?> { ["limit"] = 1 }, cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("answered with a redirect to another location", string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text)), StringComparison.Ordinal);
        Assert.Empty(other.Requests);
        Assert.Equal(["/oauth/token"], service.Requests.Select(r => r.Path));
    }
}

/// <summary>
/// The OpenAPI document fetched by URL is backend data too: a redirect off the base URL's origin is refused (the tools
/// would come from another host's document), and a huge document is a clear start-up error, not a crash.
/// </summary>
public sealed class InternalApiDocumentFetchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DocumentRedirectedToAnotherHost_IsRefused_AndTheOtherHostReceivesNothing()
    {
        await using var other = new LoopbackHttpServer();
        other.MapEverywhere(() => Results.Text(File.ReadAllText(InventoryService.DocumentFile), "application/json"));
        await other.StartAsync(Ct);
        await using var service = new LoopbackHttpServer();
        service.MapEverywhere(LoopbackHttpServer.Redirect(302, LoopbackHttpServer.LocationOn(other, "openapi.json")));
        await service.StartAsync(Ct);

        Exception refused = await ListToolsFailsAsync(service, "api/openapi.json");

        Assert.Contains("answered with a redirect to another location", refused.ToString(), StringComparison.Ordinal);
        Assert.Empty(other.Requests);
    }

    [Fact]
    public async Task HugeDocument_IsAClearStartupError_WithoutReadingItAll()
    {
        const long Huge = 1024L * 1024 * 1024;
        await using var service = new LoopbackHttpServer();
        service.MapEverywhere(service.HugeBody(Huge));
        await service.StartAsync(Ct);

        Exception refused = await ListToolsFailsAsync(service, "api/openapi.json", ("Http:MaxResponseBytes", "1048576"));

        Assert.Contains("response was larger than 1 MB", refused.ToString(), StringComparison.Ordinal);
        Assert.InRange(service.BodyBytesSent, 0, Huge / 2);
    }

    private static async Task<Exception> ListToolsFailsAsync(LoopbackHttpServer service, string documentPath, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Document"] = new Uri(service.BaseAddress, documentPath).ToString(),
            ["BaseUrl"] = new Uri(service.BaseAddress, "api").ToString(),
            ["Include"] = InternalApiServerUnderTest.Include,
            ["Http:MaxRetries"] = "0",
        };
        foreach ((string key, string value) in extra)
        {
            settings[key] = value;
        }

        return await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = new InMemoryMcpServer((s, c) => s.AddInternalApiServer(c), settings);
            await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
            await client.ListToolsAsync(cancellationToken: Ct);
        });
    }
}

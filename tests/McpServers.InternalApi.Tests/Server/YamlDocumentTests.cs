using McpServers.InternalApi.Tests.Service;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using McpServers.Testing.Hosting;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>A YAML document is the same document: the same tools, from a file or from a URL, whatever it is served as.</summary>
public sealed class YamlDocumentTests : IAsyncLifetime
{
    /// <summary>The inventory service's document (<see cref="InventoryService.Document"/>) written in YAML.</summary>
    private static readonly string YamlFile = Path.Combine(AppContext.BaseDirectory, "TestData", "inventory-openapi.yaml");

    private readonly LoopbackHttpServer _server = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        string yaml = await File.ReadAllTextAsync(YamlFile, Ct);
        _server.Routes.MapGet("/api/served/{name}", (string name, string type) => Results.Text(name == "broken.yaml" ? "openapi: 3.0.3\ninfo: [unclosed\n" : yaml, type));
        await _server.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private Dictionary<string, string?> Settings(string document) => new(new InternalApiServerUnderTest().Settings)
    {
        ["Document"] = document,
        ["BaseUrl"] = new Uri(_server.BaseAddress, "api").ToString(),
        ["Policy:ReadOnly"] = "false",
    };

    private string Served(string name, string contentType) =>
        new Uri(_server.BaseAddress, $"api/served/{name}?type={Uri.EscapeDataString(contentType)}").ToString();

    /// <summary>The <c>--print-tools</c> manifest: every name, description, schema and annotation.</summary>
    private static async Task<string> ManifestAsync(Dictionary<string, string?> settings)
    {
        await using InMemoryMcpServer host = InternalApiServerUnderTest.Start(settings);
        ToolRegistry registry = host.Services.GetRequiredService<ToolRegistry>();
        await registry.WhenReadyAsync(Ct);
        return McpServerHostBuilder.ToolManifest(registry);
    }

    [Fact]
    public async Task YamlFile_ProducesExactlyTheToolsOfItsJsonForm()
    {
        string json = await ManifestAsync(Settings(InventoryService.DocumentFile));
        string yaml = await ManifestAsync(Settings(YamlFile));

        Assert.Contains("\"api_create_item\"", json, StringComparison.Ordinal);
        Assert.Contains("\"$defs\"", json, StringComparison.Ordinal);
        Assert.Equal(json, yaml);
    }

    [Theory]
    [InlineData("openapi", "application/yaml")]
    [InlineData("openapi", "application/vnd.oai.openapi")]
    [InlineData("openapi", "text/plain")]
    [InlineData("openapi.yaml", "application/octet-stream")]
    public async Task YamlFromAUrl_IsRecognisedByContentTypeNameOrContent(string name, string contentType)
    {
        string json = await ManifestAsync(Settings(InventoryService.DocumentFile));
        string yaml = await ManifestAsync(Settings(Served(name, contentType)));

        Assert.Equal(json, yaml);
        Assert.Contains(_server.Requests, r => r.Path == "/api/served/" + name);
    }

    [Fact]
    public async Task UnparsableYaml_IsAnErrorNamingTheSettingAndTheLine_WithoutAStackTrace()
    {
        await using InMemoryMcpServer host = InternalApiServerUnderTest.Start(Settings(Served("broken.yaml", "application/yaml")));
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<McpProtocolException>(() => client.ListToolsAsync(cancellationToken: Ct).AsTask());

        Assert.Contains("Document, --openapi", error.Message, StringComparison.Ordinal);
        Assert.Contains("Document '/api/served/broken.yaml'", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Contains("at line 3", StringComparison.Ordinal), error.Message);
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not be loaded; no tools are served: Document '/api/served/broken.yaml'", host.DiagnosticLog, StringComparison.Ordinal);
        // No stack trace of the load (the SDK logs the failed tools/list request with its own frames).
        Assert.DoesNotContain("OpenApiDocumentLoader", host.DiagnosticLog, StringComparison.Ordinal);
        Assert.DoesNotContain("at Microsoft.OpenApi", host.DiagnosticLog, StringComparison.Ordinal);
        Assert.DoesNotContain("at SharpYaml", host.DiagnosticLog, StringComparison.Ordinal);
    }
}

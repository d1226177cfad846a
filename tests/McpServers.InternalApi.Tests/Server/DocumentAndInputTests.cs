using System.Text;
using System.Text.Json;
using McpServers.InternalApi.Options;
using McpServers.InternalApi.Tests.Service;
using McpServers.Shared.Hosting;
using McpServers.Testing.Hosting;
using McpServers.Testing.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>
/// Settings and documents that used to be silently wrong: a token ignored without Auth:Mode, per-operation security,
/// vendor formats, integers spelled 1e1, non-ASCII header values, and what --check says on 401.
/// </summary>
public sealed class DocumentAndInputTests : IAsyncLifetime
{
    private InventoryService _service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _service = await InventoryService.StartAsync();

    public async ValueTask DisposeAsync() => await _service.DisposeAsync();

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static Dictionary<string, object?> Args(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    private async Task<(InMemoryMcpServer Host, McpClient Client)> ConnectAsync(params (string, string?)[] extra)
    {
        InMemoryMcpServer host = InternalApiServerUnderTest.Start(InternalApiServerUnderTest.SettingsFor(_service, extra));
        return (host, await host.ConnectAsync(cancellationToken: Ct));
    }

    /// <summary>A document for the inventory service that declares security per operation and a vendor format.</summary>
    private const string SecuredDocument = """
    {
      "openapi": "3.1.0",
      "info": { "title": "Secured inventory", "version": "1" },
      "security": [ { "bearer": [] } ],
      "components": {
        "securitySchemes": {
          "bearer": { "type": "http", "scheme": "bearer" },
          "key": { "type": "apiKey", "in": "header", "name": "X-Other-Key" }
        }
      },
      "paths": {
        "/items": { "get": { "operationId": "listItems", "security": [], "parameters": [ { "name": "limit", "in": "query", "schema": { "type": "integer" } } ], "responses": { "200": { "description": "ok" } } } },
        "/secure": { "get": { "operationId": "getSecure", "responses": { "200": { "description": "ok" } } } },
        "/problem": { "get": { "operationId": "getProblem", "security": [ { "key": [] } ], "responses": { "200": { "description": "ok" } } } },
        "/warehouses/{warehouseId}/stock": { "get": { "operationId": "getStock",
          "parameters": [ { "name": "warehouseId", "in": "path", "required": true, "schema": { "type": "string", "format": "snowflake", "pattern": "^[0-9]{1,20}$" } } ],
          "responses": { "200": { "description": "ok" } } } }
      }
    }
    """;

    private static string WriteDocument(string json)
    {
        string path = Path.Combine(Path.GetTempPath(), $"secured-openapi-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json, Encoding.UTF8);
        return path;
    }

    [Fact]
    public async Task BearerToken_WithoutAuthMode_IsUsed()
    {
        var (host, client) = await ConnectAsync(("Auth:BearerToken", InventoryService.BearerToken));
        await using (host)
        await using (client)
        {
            CallToolResult result = await client.CallToolAsync("api_get_secure", new Dictionary<string, object?>(), cancellationToken: Ct);

            Assert.True(result.IsError != true, Text(result));
            Assert.Equal("Bearer " + InventoryService.BearerToken, _service.Calls[^1].Header("Authorization"));
        }
    }

    [Fact]
    public async Task UserSignIn_MeetsBearerSecuredOperations()
    {
        string document = WriteDocument(SecuredDocument);
        var (host, client) = await ConnectAsync(("Document", document), ("Include", null), ("Auth:Mode", "OAuth"),
            ("Auth:OAuth:ClientId", "client-1"), ("Auth:OAuth:AuthorizationEndpoint", "https://login.example/authorize"),
            ("Auth:OAuth:TokenEndpoint", "https://login.example/token"));
        await using (host)
        await using (client)
        {
            string[] names = [.. (await client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name)];

            Assert.Equal(["api_list_items", "api_get_secure", "api_get_stock"], names);
        }
    }

    [Theory]
    [InlineData(null, "Auth:ApiKey", "Auth:BearerToken", "set Auth:Mode to the one to use")]
    [InlineData("None", "Auth:BearerToken", null, "set Auth:Mode=Bearer")]
    [InlineData("ApiKey", "Auth:ApiKey", "Auth:BearerToken", "does not use Auth:BearerToken")]
    public void Credentials_TheModeWouldIgnore_AreRefusedNamingTheSetting(string? mode, string first, string? second, string message)
    {
        var settings = new Dictionary<string, string?> { ["Document"] = "x.json", ["BaseUrl"] = "https://inventory.internal/api", [first] = "s3cret-1" };
        if (mode is not null)
        {
            settings["Auth:Mode"] = mode;
        }

        if (second is not null)
        {
            settings[second] = "s3cret-2";
        }

        IReadOnlyList<string> problems = InternalApiOptionsValidator.Check(
            InternalApiOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()));

        string problem = Assert.Single(problems);
        Assert.Contains(message, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_OnA401_NamesTheTokenSetting()
    {
        await using InMemoryMcpServer host = InternalApiServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["Document"] = InventoryService.DocumentFile,
            ["BaseUrl"] = _service.ApiBase + "/secure",
            ["Auth:BearerToken"] = "wrong-token",
            ["Http:MaxRetries"] = "0",
        });
        var results = new List<CheckResult>();
        foreach (IServerCheck check in host.Services.GetServices<IServerCheck>())
        {
            results.AddRange(await check.RunAsync(Ct));
        }

        CheckResult service = Assert.Single(results, r => r.Name == "service");
        Assert.Equal(CheckStatus.Failed, service.Status);
        Assert.Contains("check INTERNAL_API_TOKEN (Auth:BearerToken)", service.Message, StringComparison.Ordinal);
    }

    private async Task<CheckResult> CheckServiceAsync(string baseUrl)
    {
        await using InMemoryMcpServer host = InternalApiServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["Document"] = InventoryService.DocumentFile,
            ["BaseUrl"] = baseUrl,
            ["Http:MaxRetries"] = "0",
        });
        var results = new List<CheckResult>();
        foreach (IServerCheck check in host.Services.GetServices<IServerCheck>())
        {
            results.AddRange(await check.RunAsync(Ct));
        }

        return Assert.Single(results, r => r.Name == "service");
    }

    [Fact]
    public async Task Check_FollowsASameOriginRedirectUnderTheBaseUrl()
    {
        CheckResult service = await CheckServiceAsync(_service.ApiBase + "/moved");

        Assert.Equal(CheckStatus.Ok, service.Status);
        Assert.Contains("answered HTTP 200", service.Message, StringComparison.Ordinal);
        Assert.Contains(_service.Calls, c => c.Path == "/api/moved/home");
    }

    [Fact]
    public async Task Check_OnARedirectToAnotherHost_FailsNamingTheTargetAndTheSetting()
    {
        CheckResult service = await CheckServiceAsync(_service.ApiBase + "/away");

        Assert.Equal(CheckStatus.Failed, service.Status);
        Assert.Contains("http://elsewhere.invalid/landing", service.Message, StringComparison.Ordinal);
        Assert.Contains("BaseUrl", service.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(BackendException)", service.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OperationSecurity_PublicOperationsGetNoCredentials_AndUnmetRequirementsAreSkipped()
    {
        string document = WriteDocument(SecuredDocument);
        var (host, client) = await ConnectAsync(("Document", document), ("Include", null), ("Auth:BearerToken", InventoryService.BearerToken));
        await using (host)
        await using (client)
        {
            string[] names = [.. (await client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name)];
            CallToolResult list = await client.CallToolAsync("api_list_items", Args("""{"limit":1}"""), cancellationToken: Ct);
            CallToolResult secure = await client.CallToolAsync("api_get_secure", new Dictionary<string, object?>(), cancellationToken: Ct);

            Assert.Equal(["api_list_items", "api_get_secure", "api_get_stock"], names);
            Assert.Contains("getProblem", host.DiagnosticLog, StringComparison.Ordinal);
            Assert.Contains("'key'", host.DiagnosticLog, StringComparison.Ordinal);
            Assert.True(list.IsError != true, Text(list));
            Assert.True(secure.IsError != true, Text(secure));
            Assert.Null(_service.Calls.Single(c => c.Path == "/api/items").Header("Authorization"));
            Assert.Equal("Bearer " + InventoryService.BearerToken, _service.Calls.Single(c => c.Path == "/api/secure").Header("Authorization"));
        }
    }

    [Fact]
    public async Task UnknownFormat_IsAnAnnotation_TheRestOfTheSchemaIsAdvertisedAndEnforced()
    {
        string document = WriteDocument(SecuredDocument);
        var (host, client) = await ConnectAsync(("Document", document), ("Include", null), ("Auth:BearerToken", InventoryService.BearerToken));
        await using (host)
        await using (client)
        {
            Tool tool = (await client.ListToolsAsync(cancellationToken: Ct)).Single(t => t.Name == "api_get_stock").ProtocolTool;
            JsonElement id = tool.InputSchema.GetProperty("properties").GetProperty("warehouseId");
            CallToolResult bad = await client.CallToolAsync("api_get_stock", Args("""{"warehouseId":"abc"}"""), cancellationToken: Ct);
            CallToolResult good = await client.CallToolAsync("api_get_stock", Args("""{"warehouseId":"175928847299117063"}"""), cancellationToken: Ct);

            Assert.False(id.TryGetProperty("format", out JsonElement _));
            Assert.Equal("^[0-9]{1,20}$", id.GetProperty("pattern").GetString());
            Assert.True(bad.IsError);
            Assert.True(good.IsError != true, Text(good));
            Assert.Equal(["/api/warehouses/175928847299117063/stock"], _service.Calls.Select(c => c.Path));
        }
    }

    [Theory]
    [InlineData("1e0")]
    [InlineData("1.0")]
    [InlineData("10E-1")]
    public async Task IntegerArguments_AreSentAsCanonicalIntegers(string spelled)
    {
        var (host, client) = await ConnectAsync();
        await using (host)
        await using (client)
        {
            CallToolResult result = await client.CallToolAsync("api_list_items", Args($$"""{"limit":{{spelled}}}"""), cancellationToken: Ct);

            Assert.True(result.IsError != true, Text(result));
            Assert.Equal("?limit=1", Assert.Single(_service.Calls).RawQuery);
        }
    }

    [Theory]
    [InlineData("r\u00e9sum\u00e9")]
    [InlineData("\u4e2d\u6587")]
    [InlineData("tab\there")]
    public async Task HeaderValues_OutsidePrintableAscii_AreRefusedAsInputAndNeverSent(string value)
    {
        var (host, client) = await ConnectAsync();
        await using (host)
        await using (client)
        {
            CallToolResult result = await client.CallToolAsync("api_get_item",
                new Dictionary<string, object?> { ["itemId"] = "w-1", ["X-Request-Id"] = value }, cancellationToken: Ct);

            Assert.True(result.IsError);
            Assert.Contains("`X-Request-Id` is a header value: only printable ASCII", Text(result), StringComparison.Ordinal);
            Assert.Empty(_service.Calls);
        }
    }
}

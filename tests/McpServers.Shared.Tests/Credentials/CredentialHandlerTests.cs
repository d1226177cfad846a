using System.Net;
using McpServers.Shared.Credentials;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using McpServers.Testing.Http;
using McpServers.Testing.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Shared.Tests.Credentials;

/// <summary>The credential handler on a backend client registered as a server registers it.</summary>
public sealed class CredentialHandlerTests : IAsyncLifetime
{
    private const string Client = "backend";
    private readonly LoopbackHttpServer _backend = new();
    private FakeAuthorizationServer _auth = null!;
    private int _calls;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // at-1 has been revoked at the backend; any later token works. /flaky fails its first attempt.
        _backend.Routes.MapGet("/api/data", (HttpRequest request) =>
            request.Headers.Authorization.ToString() is "Bearer at-1" or "Bearer fixed-token-1" ? Results.StatusCode(401) : Results.Json(new { ok = true }));
        _backend.Routes.MapGet("/api/flaky", () => Interlocked.Increment(ref _calls) == 1 ? Results.StatusCode(503) : Results.Json(new { ok = true }));
        await _backend.StartAsync(Ct);
        _auth = await FakeAuthorizationServer.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _auth.DisposeAsync();
    }

    private ServiceProvider Services(Func<IServiceProvider, ICredential?> credential)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Http:RetryDelay"] = "00:00:00.010",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(new SecretRedactor());
        services.AddBackendHttpClient(Client, configuration.GetSection("Http"), "Test", "1.0.0")
            .ConfigureHttpClient(c => c.BaseAddress = _backend.BaseAddress);
        services.AddBackendCredential(Client, credential);
        return services.BuildServiceProvider();
    }

    private static async Task<HttpStatusCode> GetAsync(ServiceProvider services, string path)
    {
        HttpClient http = services.GetRequiredService<IHttpClientFactory>().CreateClient(Client);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        try
        {
            using HttpResponseMessage response = await http.SendToBackendAsync(request, "Test", Ct);
            return response.StatusCode;
        }
        catch (BackendException e) when (e.InnerException is HttpRequestException { StatusCode: { } status })
        {
            return status;
        }
    }

    private OAuthCredential ClientCredentials(IServiceProvider services) =>
        new(new ClientCredentialsSource(new OAuthTokenClient(services.GetRequiredService<IHttpClientFactory>().CreateClient(Client),
            new OAuthClientOptions { ClientId = FakeAuthorizationServer.ClientId, TokenEndpoint = _auth.TokenEndpoint.ToString() },
            new OAuthMessages("Test", "Auth", null), services.GetRequiredService<SecretRedactor>()), TimeProvider.System), TimeProvider.System);

    [Fact]
    public async Task RefusedAccessToken_IsDropped_AndTheRequestSentOnceMoreWithANewOne()
    {
        await using ServiceProvider services = Services(ClientCredentials);

        HttpStatusCode status = await GetAsync(services, "api/data");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["Bearer at-1", "Bearer at-2"], _backend.Requests.Select(r => r.Header("Authorization")));
        // The token requests themselves carry the client's own authentication, never the bearer token.
        Assert.All(_auth.Requests, r => Assert.Null(r.Header("Authorization")));
        Assert.True(services.GetRequiredService<SecretRedactor>().Contains("at-2"));
    }

    [Fact]
    public async Task ClientCredentials_HandOutTheKeptTokenResponseFields_WithTheToken()
    {
        _auth.ExtraTokenFields["api_url"] = "https://api.example";
        _auth.ExtraTokenFields["other"] = "dropped";
        await using ServiceProvider services = Services(_ => null);
        var credential = new OAuthCredential(new ClientCredentialsSource(new OAuthTokenClient(
            services.GetRequiredService<IHttpClientFactory>().CreateClient(Client),
            new OAuthClientOptions { ClientId = FakeAuthorizationServer.ClientId, TokenEndpoint = _auth.TokenEndpoint.ToString() },
            new OAuthMessages("Test", "Auth", null), services.GetRequiredService<SecretRedactor>(), new OAuthDialect { KeptFields = ["api_url"] }), TimeProvider.System), TimeProvider.System);

        AccessToken token = await credential.CurrentAsync(Ct);

        Assert.Equal(new Dictionary<string, string> { ["api_url"] = "https://api.example" }, token.Fields);
    }

    [Fact]
    public async Task FixedCredential_RefusedWith401_IsNotSentAgain()
    {
        await using ServiceProvider services = Services(_ => new BearerCredential("fixed-token-1", "Test"));

        HttpStatusCode status = await GetAsync(services, "api/data");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Single(_backend.Requests);
    }

    [Fact]
    public async Task ApiKeyInTheQuery_IsAddedOnceToEveryAttempt()
    {
        await using ServiceProvider services = Services(_ => new ApiKeyCredential("api_key", "key-123", ApiKeyLocation.Query, "Test"));

        HttpStatusCode status = await GetAsync(services, "api/flaky");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["api_key=key-123", "api_key=key-123"], _backend.Requests.Select(r => r.RawQuery.TrimStart('?')));
    }

    [Fact]
    public async Task NoCredential_SendsNone()
    {
        await using ServiceProvider services = Services(_ => null);

        await GetAsync(services, "api/flaky");

        Assert.All(_backend.Requests, r => Assert.Null(r.Header("Authorization")));
    }

    public static TheoryData<string, string?, bool, bool, bool, bool> Requests => new()
    {
        // uri, base address, token request, cross-host download, without credential, applies
        { "https://api.example/x", "https://api.example/", false, false, false, true },
        // No base address: no backend origin to compare with, so nothing is sent (fail closed).
        { "https://api.example/x", null, false, false, false, false },
        { "https://other.example/x", "https://api.example/", false, false, false, false },
        { "http://api.example/x", "https://api.example/", false, false, false, false },
        { "https://api.example:8443/x", "https://api.example/", false, false, false, false },
        { "https://auth.example/token", null, true, false, false, false },
        { "https://api.example/token", "https://api.example/", true, false, false, false },
        { "https://cdn.example/file", null, false, true, false, false },
        { "https://api.example/download", "https://api.example/", false, true, false, true },
        { "https://api.example/public", "https://api.example/", false, false, true, false },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Credential_TravelsOnlyToTheBackendsOwnOrigin(string uri, string? baseAddress, bool token, bool download, bool without, bool applies)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (baseAddress is not null)
        {
            request.Options.Set(BackendHttp.BaseAddress, new Uri(baseAddress));
        }

        if (token)
        {
            request.MarkTokenRequest();
        }

        if (download)
        {
            request.AllowCrossHostDownload();
        }

        if (without)
        {
            request.WithoutCredential();
        }

        Assert.Equal(applies, CredentialHandler.Applies(request));
    }
}

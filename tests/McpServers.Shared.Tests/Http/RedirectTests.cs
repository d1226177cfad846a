using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Shared.Tests.Http;

/// <summary>
/// Backends are untrusted: a redirect is an error (nothing reaches the other host), except a same-origin hop under the
/// base path for GET, or an explicitly allowed download to an allowlisted https host sent without credentials.
/// </summary>
public sealed class RedirectTests : IDisposable
{
    private const string ApiKey = "SECRET-api-key-31c9";
    private const string Expected = "Jira answered with a redirect to another location; an administrator must fix the base URL setting.";
    private readonly TestCertificates _certificates = new();
    private readonly List<string> _files = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(301, "GET")]
    [InlineData(302, "GET")]
    [InlineData(303, "GET")]
    [InlineData(307, "GET")]
    [InlineData(308, "GET")]
    [InlineData(301, "POST")]
    [InlineData(302, "POST")]
    [InlineData(303, "POST")]
    [InlineData(307, "POST")]
    [InlineData(308, "POST")]
    public async Task RedirectToAnotherPort_IsAnError_AndTheOtherHostReceivesNothing(int status, string method)
    {
        await using LoopbackHttpServer other = await StartAsync(s => s.MapEverywhere(_ => Task.CompletedTask));
        await using LoopbackHttpServer server = await StartAsync(s =>
            s.MapEverywhere(LoopbackHttpServer.Redirect(status, LoopbackHttpServer.LocationOn(other, "steal"), "session=SECRET-cookie")));
        using var harness = new BackendHttpHarness(server.BaseAddress);
        using var request = new HttpRequestMessage(new HttpMethod(method), "rest/api/2/issue")
        {
            Content = method == "POST" ? new StringContent("{\"client_secret\":\"SECRET-body\"}") : null,
        };
        request.Headers.TryAddWithoutValidation("X-API-Key", ApiKey);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "SECRET-token");

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Equal(BackendErrorKind.Unavailable, error.Kind);
        Assert.Equal(Expected, error.SafeMessage);
        BackendRedirectException redirect = Assert.IsType<BackendRedirectException>(error.InnerException);
        Assert.Equal(new Uri(other.BaseAddress, "steal").ToString(), redirect.Target);
        Assert.Equal(status, (int)redirect.Status);
        Assert.Empty(other.Requests);
        Assert.Single(server.Requests);
        Assert.Contains(other.BaseAddress.Authority, harness.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", harness.Logs.AllText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://{host}/file", "ftp:")]
    [InlineData("ftp://{host}:21/file", "ftp:")]
    [InlineData("file:///etc/passwd", "file:")]
    [InlineData("gopher://{host}:70/x", "gopher:")]
    [InlineData("http://[::1", "(unusable Location)")]
    [InlineData(null, "(no Location)")]
    public async Task RedirectToAnOddLocation_IsACleanBackendError(string? location, string target)
    {
        await using LoopbackHttpServer server = await StartAsync(s => s.MapEverywhere(context =>
        {
            context.Response.StatusCode = 302;
            if (location is not null)
            {
                context.Response.Headers.Location = location.Replace("{host}", "127.0.0.1", StringComparison.Ordinal);
            }

            return Task.CompletedTask;
        }));
        using var harness = new BackendHttpHarness(server.BaseAddress);
        using var request = new HttpRequestMessage(HttpMethod.Get, "issue");

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Equal(Expected, error.SafeMessage);
        Assert.Equal(target, Assert.IsType<BackendRedirectException>(error.InnerException).Target);
    }

    [Fact]
    public async Task RedirectOnTheSameOriginUnderTheBasePath_IsFollowedForGet()
    {
        await using LoopbackHttpServer server = await StartAsync(s =>
        {
            s.Routes.MapGet("/api/old", LoopbackHttpServer.Redirect(301, "/api/new"));
            s.Routes.MapGet("/api/new", () => Results.Json(new { ok = true }));
        });
        using var harness = new BackendHttpHarness(new Uri(server.BaseAddress, "api/"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "old");
        request.Headers.TryAddWithoutValidation("X-API-Key", ApiKey);

        using HttpResponseMessage response = await harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["/api/old", "/api/new"], server.Requests.Select(r => r.Path));
        Assert.Equal(ApiKey, server.Requests[1].Header("X-API-Key"));
    }

    [Fact]
    public async Task RedirectOnTheSameOriginOutsideTheBasePath_IsRefused()
    {
        await using LoopbackHttpServer server = await StartAsync(s =>
        {
            s.Routes.MapGet("/api/old", LoopbackHttpServer.Redirect(302, "/admin/export"));
            s.Routes.MapGet("/admin/export", () => Results.Json(new { secret = true }));
        });
        using var harness = new BackendHttpHarness(new Uri(server.BaseAddress, "api/"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "old");

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Equal(Expected, error.SafeMessage);
        Assert.Equal(["/api/old"], server.Requests.Select(r => r.Path));
    }

    [Theory]
    [InlineData(303)]
    [InlineData(307)]
    public async Task RedirectOnTheSameOrigin_IsNeverFollowedForAWrite(int status)
    {
        await using LoopbackHttpServer server = await StartAsync(s =>
        {
            s.Routes.MapPost("/api/issue", LoopbackHttpServer.Redirect(status, "/api/issue2"));
            s.Routes.Map("/api/issue2", () => Results.Json(new { id = 1 }));
        });
        using var harness = new BackendHttpHarness(new Uri(server.BaseAddress, "api/"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "issue") { Content = new StringContent("{}") };

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Equal(Expected, error.SafeMessage);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task RedirectLoopOnTheSameOrigin_StopsAfterMaxRedirects()
    {
        await using LoopbackHttpServer server = await StartAsync(s => s.Routes.MapGet("/api/loop", LoopbackHttpServer.Redirect(302, "/api/loop")));
        using var harness = new BackendHttpHarness(new Uri(server.BaseAddress, "api/"), new Dictionary<string, string?> { ["MaxRedirects"] = "2" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "loop");

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Equal(Expected, error.SafeMessage);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task CookiesSetByTheBackend_AreNeverSentBack()
    {
        await using LoopbackHttpServer server = await StartAsync(s =>
        {
            s.Routes.MapGet("/api/login", LoopbackHttpServer.SetCookie("session=SECRET-cookie-1; Path=/"));
            s.Routes.MapGet("/api/old", LoopbackHttpServer.Redirect(302, "/api/new", "jar=SECRET-cookie-2; Path=/"));
            s.Routes.MapGet("/api/new", () => Results.Json(new { ok = true }));
        });
        using var harness = new BackendHttpHarness(new Uri(server.BaseAddress, "api/"));

        using (var login = new HttpRequestMessage(HttpMethod.Get, "login"))
        using (HttpResponseMessage response = await harness.Client.SendToBackendAsync(login, BackendHttpHarness.System, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var old = new HttpRequestMessage(HttpMethod.Get, "old"))
        using (HttpResponseMessage response = await harness.Client.SendToBackendAsync(old, BackendHttpHarness.System, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Null(r.Header("Cookie")));
    }

    [Fact]
    public async Task Download_FollowsARedirectToAnAllowlistedHttpsHost_WithoutCredentials()
    {
        using X509Certificate2 certificate = _certificates.Server();
        await using var storage = new LoopbackHttpServer(new LoopbackHttpServerOptions { Certificate = certificate });
        storage.Routes.MapGet("/blob", () => Results.Text("file contents", "text/plain"));
        await storage.StartAsync(Ct);
        await using LoopbackHttpServer server = await StartAsync(s => s.Routes.MapGet("/api/content",
            LoopbackHttpServer.Redirect(302, LoopbackHttpServer.LocationOn(storage, "blob?sig=SECRET-signature"), "session=SECRET-cookie")));
        using var harness = new BackendHttpHarness(new Uri(server.BaseAddress, "api/"), new Dictionary<string, string?>
        {
            ["DownloadHosts:0"] = "127.0.0.1",
            ["ExtraCaBundle"] = Track(_certificates.WriteAuthorityPem()),
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "content").AllowCrossHostDownload();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "SECRET-token");
        request.Headers.TryAddWithoutValidation("X-API-Key", ApiKey);

        using HttpResponseMessage response = await harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct);

        Assert.Equal("file contents", await response.ReadTextAsync(Ct));
        RecordedRequest download = Assert.Single(storage.Requests);
        Assert.Equal("?sig=SECRET-signature", download.RawQuery);
        Assert.Null(download.Header("Authorization"));
        Assert.Null(download.Header("X-API-Key"));
        Assert.Null(download.Header("Cookie"));
        Assert.Equal("McpServers-Test/1.2.3", download.Header("User-Agent"));
        Assert.DoesNotContain("SECRET", harness.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_IsCappedLikeAnyResponse()
    {
        using X509Certificate2 certificate = _certificates.Server();
        await using var storage = new LoopbackHttpServer(new LoopbackHttpServerOptions { Certificate = certificate });
        storage.Routes.MapGet("/blob", storage.HugeBody(64L * 1024 * 1024));
        await storage.StartAsync(Ct);
        await using LoopbackHttpServer server = await StartAsync(s =>
            s.Routes.MapGet("/api/content", LoopbackHttpServer.Redirect(302, LoopbackHttpServer.LocationOn(storage, "blob"))));
        using var harness = new BackendHttpHarness(new Uri(server.BaseAddress, "api/"), new Dictionary<string, string?>
        {
            ["DownloadHosts:0"] = "127.0.0.1",
            ["ExtraCaBundle"] = Track(_certificates.WriteAuthorityPem()),
            ["MaxResponseBytes"] = "65536",
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "content").AllowCrossHostDownload();

        using HttpResponseMessage response = await harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct);
        BackendException error = await Assert.ThrowsAsync<BackendException>(() => response.ReadTextAsync(Ct));

        Assert.Equal(BackendErrorKind.TooExpensive, error.Kind);
    }

    [Theory]
    [InlineData(true, true, "storage.example.com")] // host not allowlisted
    [InlineData(false, true, "127.0.0.1")] // plain http
    [InlineData(true, false, "127.0.0.1")] // no per-request opt-in
    public async Task Download_IsRefusedUnlessOptedInToAnAllowlistedHttpsHost(bool https, bool optIn, string allowed)
    {
        using X509Certificate2 certificate = _certificates.Server();
        await using var storage = new LoopbackHttpServer(new LoopbackHttpServerOptions { Certificate = https ? certificate : null });
        storage.Routes.MapGet("/blob", () => Results.Text("file contents", "text/plain"));
        await storage.StartAsync(Ct);
        await using LoopbackHttpServer server = await StartAsync(s =>
            s.Routes.MapGet("/api/content", LoopbackHttpServer.Redirect(302, LoopbackHttpServer.LocationOn(storage, "blob"))));
        using var harness = new BackendHttpHarness(new Uri(server.BaseAddress, "api/"), new Dictionary<string, string?>
        {
            ["DownloadHosts:0"] = allowed,
            ["ExtraCaBundle"] = Track(_certificates.WriteAuthorityPem()),
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "content");
        if (optIn)
        {
            request.AllowCrossHostDownload();
        }

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Equal(Expected, error.SafeMessage);
        Assert.Empty(storage.Requests);
    }

    [Fact]
    public void Download_IsOnlyForGet() =>
        Assert.Throws<ArgumentException>(() => new HttpRequestMessage(HttpMethod.Post, "x").AllowCrossHostDownload());

    public void Dispose()
    {
        foreach (string file in _files)
        {
            File.Delete(file);
        }

        _certificates.Dispose();
    }

    private string Track(string file)
    {
        _files.Add(file);
        return file;
    }

    private static async Task<LoopbackHttpServer> StartAsync(Action<LoopbackHttpServer> map)
    {
        var server = new LoopbackHttpServer();
        map(server);
        await server.StartAsync(Ct);
        return server;
    }
}

/// <summary>What the audit line and the log say about a refused redirect's target.</summary>
public sealed class RedirectTargetDescriptionTests
{
    [Fact]
    public void Describe_DropsUserInfoAndQuery_AndCapsTheLength()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.Found);

        string withSecrets = McpServers.Shared.Http.BackendResponseGuardHandler.Describe(
            new Uri("https://AKIAKEY:s3cr3t-sig@bucket.example/path/file.bin?X-Amz-Signature=abc"), response);
        string longPath = McpServers.Shared.Http.BackendResponseGuardHandler.Describe(
            new Uri("https://storage.example/" + new string('a', 5000)), response);

        Assert.Equal("https://bucket.example/path/file.bin", withSecrets);
        Assert.True(longPath.Length <= 201, longPath.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith("https://storage.example/aaa", longPath, StringComparison.Ordinal);
    }
}

using System.Net.Http.Headers;
using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Shared.Tests.Http;

/// <summary>
/// Response bodies are untrusted: read as streams, capped in decompressed bytes and in time, and every way of reading
/// one ends over the cap with a clear backend error instead of holding the body in memory.
/// </summary>
public sealed class ResponseLimitTests
{
    // Far more than loopback socket buffers hold (tens of megabytes), so "stopped early" is not a matter of timing.
    private const long Huge = 1024L * 1024 * 1024;
    private const string TooLarge = "Jira's response was larger than 64 KB, the most this server reads; narrow the request (filters, a lower limit).";
    private static readonly Dictionary<string, string?> SmallCap = new() { ["MaxResponseBytes"] = "65536" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HugeBody_StopsAtTheCap_WithAClearError_AndIsNotReadToTheEnd()
    {
        await using LoopbackHttpServer server = await StartAsync(s => s.MapEverywhere(s.HugeBody(Huge)));
        using var harness = new BackendHttpHarness(server.BaseAddress, SmallCap);
        using var request = new HttpRequestMessage(HttpMethod.Get, "search");

        using HttpResponseMessage response = await harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct);
        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => response.ReadJsonAsync(TestJson.Default.JsonElement, BackendHttpHarness.System, Ct));

        Assert.Equal(BackendErrorKind.TooExpensive, error.Kind);
        Assert.Equal(TooLarge, error.SafeMessage);
        // The fake could only get as far as the socket buffers hold: far from the whole body.
        Assert.InRange(server.BodyBytesSent, 0, Huge / 2);
    }

    [Fact]
    public async Task HugeBody_IsCappedEvenWhenTheClientBuffersTheWholeResponse()
    {
        await using LoopbackHttpServer server = await StartAsync(s => s.MapEverywhere(s.HugeBody(Huge)));
        using var harness = new BackendHttpHarness(server.BaseAddress, SmallCap);

        // The default completion option buffers the body inside HttpClient.SendAsync: the cap applies there too.
        BackendException error = await Assert.ThrowsAsync<BackendException>(() => harness.Client.GetAsync(new Uri("search", UriKind.Relative), Ct));

        // Without the send path's system name, the guard names the client.
        Assert.Equal("jira" + TooLarge[4..], error.SafeMessage);
        Assert.InRange(server.BodyBytesSent, 0, Huge / 2);
    }

    [Fact]
    public async Task DeclaredContentLengthOverTheCap_IsRefusedBeforeTheBodyIsRead()
    {
        await using LoopbackHttpServer server = await StartAsync(s => s.MapEverywhere(() => Results.Bytes(new byte[100_000], "application/json")));
        using var harness = new BackendHttpHarness(server.BaseAddress, SmallCap);
        using var request = new HttpRequestMessage(HttpMethod.Get, "search");

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Equal(TooLarge, error.SafeMessage);
    }

    [Fact]
    public async Task GzipBomb_StopsAtTheDecompressedCap()
    {
        await using LoopbackHttpServer server = await StartAsync(s => s.MapEverywhere(s.GzipBomb(3L * 1024 * 1024 * 1024)));
        using var harness = new BackendHttpHarness(server.BaseAddress, new Dictionary<string, string?> { ["MaxResponseBytes"] = "1048576" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "search");

        using HttpResponseMessage response = await harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct);
        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => response.ReadJsonAsync(TestJson.Default.JsonElement, BackendHttpHarness.System, Ct));

        Assert.Equal(BackendErrorKind.TooExpensive, error.Kind);
        Assert.Equal("Jira's response was larger than 1 MB, the most this server reads; narrow the request (filters, a lower limit).", error.SafeMessage);
        Assert.Equal("gzip", Assert.Single(server.Requests).Header("Accept-Encoding")?.Split(',')[0].Trim());
    }

    [Fact]
    public async Task BrokenGzipBody_IsABackendError_NotAnInternalError()
    {
        await using LoopbackHttpServer server = await StartAsync(s => s.MapEverywhere(async context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.Headers.ContentEncoding = "gzip";
            await context.Response.Body.WriteAsync("this is not gzip at all, only text"u8.ToArray(), context.RequestAborted);
        }));
        using var harness = new BackendHttpHarness(server.BaseAddress);
        using var request = new HttpRequestMessage(HttpMethod.Get, "search");

        using HttpResponseMessage response = await harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct);
        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => response.ReadJsonAsync(TestJson.Default.JsonElement, BackendHttpHarness.System, Ct));

        Assert.Equal(BackendErrorKind.Unavailable, error.Kind);
        Assert.Equal("Jira sent an incomplete or unreadable response; try again later.", error.SafeMessage);
    }

    [Fact]
    public async Task BodyCutShort_IsABackendError_NotAnInternalError()
    {
        await using LoopbackHttpServer server = await StartAsync(s => s.MapEverywhere(async context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 1000;
            await context.Response.Body.WriteAsync("{\"issues\": ["u8.ToArray(), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            context.Abort();
        }));
        using var harness = new BackendHttpHarness(server.BaseAddress, new Dictionary<string, string?> { ["MaxRetries"] = "0" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "search");

        // The reset may reach the client before or after the headers: either way it is the backend's failure.
        BackendException error = await Assert.ThrowsAsync<BackendException>(async () =>
        {
            using HttpResponseMessage response = await harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct);
            await response.ReadJsonAsync(TestJson.Default.JsonElement, BackendHttpHarness.System, Ct);
        });

        Assert.Equal(BackendErrorKind.Unavailable, error.Kind);
    }

    [Fact]
    public async Task TokenResponse_HasItsOwnSmallerCap()
    {
        await using LoopbackHttpServer server = await StartAsync(s => s.MapEverywhere(s.HugeBody(100_000)));
        using var harness = new BackendHttpHarness(server.BaseAddress);

        using (var ordinary = new HttpRequestMessage(HttpMethod.Post, "token"))
        using (HttpResponseMessage response = await harness.Client.SendToBackendAsync(ordinary, BackendHttpHarness.System, Ct))
        {
            Assert.Equal(100_000, (await response.ReadTextAsync(Ct)).Length);
        }

        using var token = new HttpRequestMessage(HttpMethod.Post, "token").MarkTokenRequest();
        using HttpResponseMessage tokenResponse = await harness.Client.SendToBackendAsync(token, BackendHttpHarness.System, Ct);
        BackendException error = await Assert.ThrowsAsync<BackendException>(() => tokenResponse.ReadTextAsync(Ct));

        Assert.Equal(BackendErrorKind.TooExpensive, error.Kind);
        Assert.Contains("larger than 64 KB", error.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndlessBody_EndsWithinTheTotalTimeout_AsTimedOut()
    {
        // The fake sends one byte and never another: the call's total time limit is the only way this can end.
        await using LoopbackHttpServer server = await StartAsync(s => s.MapEverywhere(s.EndlessBody()));
        using var harness = new BackendHttpHarness(server.BaseAddress, new Dictionary<string, string?>
        {
            ["Timeout"] = "00:00:00.500",
            ["TotalTimeout"] = "00:00:01",
            ["MaxRetryAfter"] = "00:00:01",
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "search");

        using HttpResponseMessage response = await harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct);
        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => response.ReadJsonAsync(TestJson.Default.JsonElement, BackendHttpHarness.System, Ct));

        Assert.Equal(BackendErrorKind.TimedOut, error.Kind);
        Assert.Equal("Jira did not answer in time; try again later.", error.SafeMessage);
    }

    [Fact]
    public async Task UnreadableBody_IsABackendError_NotAnInternalOne()
    {
        await using LoopbackHttpServer server = await StartAsync(s => s.MapEverywhere(() => Results.Text("<html>", "application/json")));
        using var harness = new BackendHttpHarness(server.BaseAddress);
        using var request = new HttpRequestMessage(HttpMethod.Get, "search");

        using HttpResponseMessage response = await harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct);
        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => response.ReadJsonAsync(TestJson.Default.JsonElement, BackendHttpHarness.System, Ct));

        Assert.Equal("Jira gave a response this server could not read.", error.SafeMessage);
    }

    [Theory]
    [InlineData("Authorization", "Bearer abc\r\nX-Injected: 1")]
    [InlineData("Authorization", "Bearer abc\n")]
    [InlineData("X-API-Key", "abc\0")]
    [InlineData("X-API-Key", "abc\u0085def")]
    public async Task HeaderValueThatHttpCannotCarry_IsRefusedBeforeAnythingIsSent(string header, string value)
    {
        await using LoopbackHttpServer server = await StartAsync(s => s.MapEverywhere(() => Results.Ok()));
        using var harness = new BackendHttpHarness(server.BaseAddress);
        using var request = new HttpRequestMessage(HttpMethod.Get, "search");
        request.Headers.TryAddWithoutValidation(header, value);

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Equal(BackendErrorKind.Invalid, error.Kind);
        Assert.StartsWith("Jira was not called: a header value", error.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("abc\r\nX-Injected: 1")]
    [InlineData("abc\0")]
    public void AuthorizationWithALineBreak_IsABackendError_NotAFormatException(string token)
    {
        BackendException error = Assert.Throws<BackendException>(() => BackendHttp.Authorization("Bearer", token, "Jira"));

        Assert.Equal(BackendErrorKind.Invalid, error.Kind);
        Assert.Equal("Bearer abc", BackendHttp.Authorization("Bearer", "abc", "Jira").ToString());
    }

    private static async Task<LoopbackHttpServer> StartAsync(Action<LoopbackHttpServer> map)
    {
        var server = new LoopbackHttpServer();
        map(server);
        await server.StartAsync(Ct);
        return server;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonElement))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;

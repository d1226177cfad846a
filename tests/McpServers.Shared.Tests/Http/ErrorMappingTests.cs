using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Shared.Tests.Http;

public sealed class ErrorMappingTests
{
    private const string SecretInBody = "xoxb-SECRET-body-4f9a1c";
    private const string SecretToken = "Bearer SECRET-token-77e2d0";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(400, BackendErrorKind.Invalid)]
    [InlineData(401, BackendErrorKind.Unauthorized)]
    [InlineData(403, BackendErrorKind.Forbidden)]
    [InlineData(404, BackendErrorKind.NotFound)]
    [InlineData(409, BackendErrorKind.Conflict)]
    [InlineData(429, BackendErrorKind.RateLimited)]
    [InlineData(500, BackendErrorKind.Unavailable)]
    [InlineData(502, BackendErrorKind.Unavailable)]
    [InlineData(503, BackendErrorKind.Unavailable)]
    [InlineData(504, BackendErrorKind.TimedOut)]
    public async Task ErrorStatus_MapsToKind_WithoutEchoingTheBody(int status, BackendErrorKind kind)
    {
        await using var server = new LoopbackHttpServer();
        server.Routes.MapGet("/issue", () => Results.Text($"{{\"error\":\"{SecretInBody}\"}}", "application/json", statusCode: status));
        await server.StartAsync(Ct);
        using var harness = new BackendHttpHarness(server.BaseAddress, new Dictionary<string, string?> { ["MaxRetries"] = "0" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "issue?token=abc");

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Equal(kind, error.Kind);
        Assert.StartsWith("Jira ", error.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretInBody, error.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretInBody, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(SecretInBody, harness.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimited_SaysWhenToTryAgain()
    {
        await using var server = new LoopbackHttpServer();
        server.Routes.MapGet("/issue", (HttpResponse response) =>
        {
            response.Headers.RetryAfter = "12";
            return Results.StatusCode(429);
        });
        await server.StartAsync(Ct);
        using var harness = new BackendHttpHarness(server.BaseAddress, new Dictionary<string, string?> { ["MaxRetries"] = "0" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "issue");

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Equal("Jira is rate-limiting requests; try again in 12 s.", error.SafeMessage);
        Assert.Equal(TimeSpan.FromSeconds(12), error.RetryAfter);
    }

    [Fact]
    public async Task ErrorHook_ReadsTheVendorsErrorDocument_AndItsExceptionIsThrown()
    {
        await using var server = new LoopbackHttpServer();
        server.Routes.MapGet("/issue", () => Results.Text("""{"errorMessages":["Field 'x' is bad"]}""", "application/json", statusCode: 400));
        await server.StartAsync(Ct);
        using var harness = new BackendHttpHarness(server.BaseAddress, new Dictionary<string, string?> { ["MaxRetries"] = "0" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "issue");

        BackendException error = await Assert.ThrowsAsync<BackendException>(() => harness.Client.SendToBackendAsync(request,
            BackendHttpHarness.System, async (response, ct) =>
                await response.TryReadErrorJsonAsync(ErrorJson.Default.VendorError, ct) is { ErrorMessages: [string first, ..] }
                    ? new BackendException(BackendErrorKind.Invalid, "vendor said: " + first)
                    : null,
            Ct));

        Assert.Equal("vendor said: Field 'x' is bad", error.SafeMessage);
    }

    [Theory]
    [InlineData("text/html", "<html><body>502 from the proxy</body></html>")]
    [InlineData("application/json", "")]
    [InlineData("application/json", "{\"errorMessages\":")]
    [InlineData("application/json", "[1,2,3]")]
    public async Task ErrorHook_BodyThatIsNotTheVendorsDocument_ReadsAsNull_AndTheStatusDecides(string contentType, string body)
    {
        await using var server = new LoopbackHttpServer();
        server.Routes.MapGet("/issue", () => Results.Text(body, contentType, statusCode: 400));
        await server.StartAsync(Ct);
        (VendorError? read, BackendException error) = await ReadThroughAHookThatMapsNothingAsync(server, new() { ["MaxRetries"] = "0" });

        Assert.Null(read);
        Assert.Equal(BackendErrorKind.Invalid, error.Kind);
        Assert.Equal("Jira rejected the request as invalid; check the arguments.", error.SafeMessage);
    }

    [Fact]
    public async Task ErrorHook_ErrorBodyOverTheCap_ReadsAsNull()
    {
        await using var server = new LoopbackHttpServer();
        // Sent chunked (no Content-Length), so the cap is met while the hook reads the body, not before.
        server.Routes.MapGet("/issue", async (HttpContext context) =>
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"errorMessages\":[\"", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await context.Response.WriteAsync(new string('x', 200_000) + "\"]}", context.RequestAborted);
        });
        await server.StartAsync(Ct);
        (VendorError? read, BackendException error) = await ReadThroughAHookThatMapsNothingAsync(server,
            new() { ["MaxRetries"] = "0", ["MaxResponseBytes"] = "65536" });

        Assert.Null(read);
        Assert.Equal(BackendErrorKind.Invalid, error.Kind);
    }

    /// <summary>Sends through an error hook that reads the body with TryReadErrorJsonAsync and leaves the mapping to the status.</summary>
    private static async Task<(VendorError? Read, BackendException Error)> ReadThroughAHookThatMapsNothingAsync(
        LoopbackHttpServer server, Dictionary<string, string?> settings)
    {
        using var harness = new BackendHttpHarness(server.BaseAddress, settings);
        using var request = new HttpRequestMessage(HttpMethod.Get, "issue");
        // Not null until the hook has read the body: a hook that never ran fails the caller's Assert.Null.
        VendorError? read = new(["the hook did not run"]);
        BackendException error = await Assert.ThrowsAsync<BackendException>(() => harness.Client.SendToBackendAsync(request,
            BackendHttpHarness.System, async (response, ct) =>
            {
                read = await response.TryReadErrorJsonAsync(ErrorJson.Default.VendorError, ct);
                return null;
            },
            Ct));
        return (read, error);
    }

    [Fact]
    public async Task Logs_NeverContainAuthorizationCookieOrQuery_ButDoRecordTheCall()
    {
        await using var server = new LoopbackHttpServer();
        server.Routes.MapGet("/rest/api/2/issue/{key}", () => Results.StatusCode(500));
        await server.StartAsync(Ct);
        using var harness = new BackendHttpHarness(server.BaseAddress, new Dictionary<string, string?> { ["MaxRetries"] = "1" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "rest/api/2/issue/ABC-1?api_key=SECRET-query-91b3");
        request.Headers.TryAddWithoutValidation("Authorization", SecretToken);
        request.Headers.TryAddWithoutValidation("Cookie", "session=SECRET-cookie-5d2e");

        await Assert.ThrowsAsync<BackendException>(() => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Equal(SecretToken, server.Requests[0].Header("Authorization"));
        string logs = harness.Logs.AllText;
        Assert.Contains("/rest/api/2/issue/ABC-1", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", logs, StringComparison.Ordinal);
    }

    [Fact]
    public void RetryAfter_ReadsSecondsAndDates()
    {
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        using var seconds = new HttpResponseMessage();
        seconds.Headers.TryAddWithoutValidation("Retry-After", "7");
        using var date = new HttpResponseMessage();
        date.Headers.TryAddWithoutValidation("Retry-After", "Sun, 01 Mar 2026 12:00:30 GMT");
        using var past = new HttpResponseMessage();
        past.Headers.TryAddWithoutValidation("Retry-After", "Sun, 01 Mar 2026 11:00:00 GMT");
        using var none = new HttpResponseMessage();

        Assert.Equal(TimeSpan.FromSeconds(7), RetryAfter.Parse(seconds.Headers, now));
        Assert.Equal(TimeSpan.FromSeconds(30), RetryAfter.Parse(date.Headers, now));
        Assert.Equal(TimeSpan.Zero, RetryAfter.Parse(past.Headers, now));
        Assert.Null(RetryAfter.Parse(none.Headers, now));
    }
}

public sealed record VendorError(IReadOnlyList<string>? ErrorMessages);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(VendorError))]
internal sealed partial class ErrorJson : System.Text.Json.Serialization.JsonSerializerContext;

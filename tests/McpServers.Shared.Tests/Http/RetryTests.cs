using System.Globalization;
using System.Net;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Shared.Tests.Http;

public sealed class RetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_IsRetriedAfter503_ThenSucceeds()
    {
        await using var server = new LoopbackHttpServer();
        int attempts = 0;
        server.Routes.MapGet("/issue", () => Interlocked.Increment(ref attempts) < 3 ? Results.StatusCode(503) : Results.Ok());
        await server.StartAsync(Ct);
        using var harness = new BackendHttpHarness(server.BaseAddress);

        using HttpResponseMessage response = await harness.Client.GetAsync(new Uri("issue", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Post_IsNotRetried_On503()
    {
        await using var server = new LoopbackHttpServer();
        server.Routes.MapPost("/issue", () => Results.StatusCode(503));
        await server.StartAsync(Ct);
        using var harness = new BackendHttpHarness(server.BaseAddress);

        using HttpResponseMessage response = await harness.Client.PostAsync(new Uri("issue", UriKind.Relative), new StringContent("{}"), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Post_MarkedIdempotent_IsRetried()
    {
        await using var server = new LoopbackHttpServer();
        int attempts = 0;
        server.Routes.MapPost("/search", () => Interlocked.Increment(ref attempts) == 1 ? Results.StatusCode(503) : Results.Ok());
        await server.StartAsync(Ct);
        using var harness = new BackendHttpHarness(server.BaseAddress);
        using var request = new HttpRequestMessage(HttpMethod.Post, "search") { Content = new StringContent("{\"jql\":\"x\"}") };

        using HttpResponseMessage response = await harness.Client.SendAsync(request.MarkIdempotent(), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("{\"jql\":\"x\"}", r.Body));
    }

    [Fact]
    public async Task Put_MarkedNotIdempotent_IsNotRetried_On503()
    {
        await using var server = new LoopbackHttpServer();
        server.Routes.MapPut("/tickets/1", () => Results.StatusCode(503));
        await server.StartAsync(Ct);
        using var harness = new BackendHttpHarness(server.BaseAddress);
        using var request = new HttpRequestMessage(HttpMethod.Put, "tickets/1") { Content = new StringContent("{\"comment\":{}}") };

        using HttpResponseMessage response = await harness.Client.SendAsync(request.MarkNotIdempotent(), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Get_IsNotRetried_OnClientError()
    {
        await using var server = new LoopbackHttpServer();
        server.Routes.MapGet("/issue", () => Results.StatusCode(404));
        await server.StartAsync(Ct);
        using var harness = new BackendHttpHarness(server.BaseAddress);

        using HttpResponseMessage response = await harness.Client.GetAsync(new Uri("issue", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(429, false)]   // Retry-After: 1 (delta-seconds)
    [InlineData(503, true)]    // Retry-After as an HTTP-date two seconds ahead
    public async Task RetryAfter_OnRateLimitOrUnavailable_IsWaitedForBeforeRetrying(int status, bool asDate)
    {
        await using var server = new LoopbackHttpServer();
        int attempts = 0;
        server.Routes.MapGet("/issue", (HttpResponse response) =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                // HTTP-dates have whole seconds: two seconds ahead means a wait of more than one.
                response.Headers.RetryAfter = asDate
                    ? DateTimeOffset.UtcNow.AddSeconds(2).ToString("r", CultureInfo.InvariantCulture)
                    : "1";
                return Results.StatusCode(status);
            }

            return Results.Ok();
        });
        await server.StartAsync(Ct);
        using var harness = new BackendHttpHarness(server.BaseAddress);

        using HttpResponseMessage response = await harness.Client.GetAsync(new Uri("issue", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        IReadOnlyList<RecordedRequest> requests = server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(900),
            $"retried after {(requests[1].ReceivedAt - requests[0].ReceivedAt).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task RetryAfter_LongerThanMaxRetryAfter_IsNotWaitedFor_AndTheErrorCarriesIt()
    {
        await using var server = new LoopbackHttpServer();
        server.Routes.MapGet("/issue", (HttpResponse response) =>
        {
            response.Headers.RetryAfter = "120";
            return Results.StatusCode(429);
        });
        await server.StartAsync(Ct);
        using var harness = new BackendHttpHarness(server.BaseAddress, new Dictionary<string, string?> { ["MaxRetryAfter"] = "00:00:05" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "issue");

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Single(server.Requests);
        Assert.Equal(BackendErrorKind.RateLimited, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Equal("Jira is rate-limiting requests; try again in 120 s.", error.SafeMessage);
    }
}

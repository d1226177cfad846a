using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Shared.Tests.Http;

public sealed class TimeoutAndCancellationTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SlowBackend_TimesOutEachAttempt_AndMapsToTimedOut()
    {
        // The fake never answers, so the per-attempt timeout is the only way an attempt can end, and the total timeout
        // is far away: the number of attempts is fixed. Attempts are counted where they are certain, in the client's
        // per-attempt log; the fake may not have seen an attempt that timed out before it arrived (a loaded machine).
        await using var server = new LoopbackHttpServer();
        server.Routes.MapGet("/slow", async (HttpContext context) =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
            return Results.Ok();
        });
        await server.StartAsync(Ct);
        using var harness = new BackendHttpHarness(server.BaseAddress, new Dictionary<string, string?>
        {
            ["Timeout"] = "00:00:00.300",
            ["TotalTimeout"] = "00:30:00",
            ["MaxRetryAfter"] = "00:00:05",
            ["MaxRetries"] = "1",
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "slow");

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Equal(BackendErrorKind.TimedOut, error.Kind);
        Assert.Equal("Jira did not answer in time; try again later.", error.SafeMessage);
        Assert.Equal(2, harness.Logs.Entries.Count(e => e.Contains("GET 127.0.0.1", StringComparison.Ordinal) && e.Contains(" cancelled after ", StringComparison.Ordinal)));
        Assert.InRange(server.Requests.Count, 0, 2);
    }

    [Fact]
    public async Task CallerCancellation_AbortsTheInFlightRequest()
    {
        await using var server = new LoopbackHttpServer();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Routes.MapGet("/slow", async (HttpContext context) =>
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                aborted.TrySetResult();
                throw;
            }

            return Results.Ok();
        });
        await server.StartAsync(Ct);
        using var harness = new BackendHttpHarness(server.BaseAddress);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "slow");

        Task<HttpResponseMessage> call = harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, caller.Token);
        await started.Task.WaitAsync(Bound, Ct);
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await aborted.Task.WaitAsync(Bound, Ct);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task UserAgent_NamesTheSuiteProductAndVersion()
    {
        await using var server = new LoopbackHttpServer();
        server.Routes.MapGet("/", () => Results.Ok());
        await server.StartAsync(Ct);
        using var harness = new BackendHttpHarness(server.BaseAddress);

        using HttpResponseMessage response = await harness.Client.GetAsync(new Uri("/", UriKind.Relative), Ct);

        Assert.Equal("McpServers-Test/1.2.3", Assert.Single(server.Requests).Header("User-Agent"));
    }
}

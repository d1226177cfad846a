using McpServers.Communication.Guards;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Testing.Redis;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpServers.Communication.Tests.Guards;

/// <summary>HTTP replicas sharing Redis count sends in one ledger there: a cap reached through one holds on the other.</summary>
public sealed class SharedSendCapTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoReplicasSharingRedis_CountSendsInOneLedger()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        redis.RequireAvailable();
        var harness = new GuardHarness(new Dictionary<string, string?> { ["Guards:MaxPerHour"] = "2" });
        ISharedState stateA = redis.ConnectSharedState("mcp-communication");
        ISharedState stateB = redis.ConnectSharedState("mcp-communication");
        try
        {
            var replicaA = new SendGuard(harness.Options, harness.Clock, NullLogger<SendGuard>.Instance, stateA);
            var replicaB = new SendGuard(harness.Options, harness.Clock, NullLogger<SendGuard>.Instance, stateB);

            await replicaA.ReserveAsync("email_send", Ct);
            SendReservation second = await replicaB.ReserveAsync("slack_post_message", Ct);
            var refused = await Assert.ThrowsAsync<ToolInputException>(() => replicaA.ReserveAsync("email_send", Ct));
            Assert.Contains("Guards:MaxPerHour", refused.Message, StringComparison.Ordinal);
            // The pre-check (before anyone is asked) uses the replica's last view of the shared ledger.
            Assert.Throws<ToolInputException>(() => replicaA.CheckCaps("email_send"));

            // A send the backend refused is un-counted in the shared ledger, from the replica that counted it.
            await second.ReleaseAsync(Ct);
            await replicaA.ReserveAsync("email_send", Ct);
            await Assert.ThrowsAsync<ToolInputException>(() => replicaB.ReserveAsync("email_send", Ct));

            Assert.False(File.Exists(harness.StorePath), "counted in Redis, not in the file ledger");
            Assert.Single(await redis.StringValuesAsync("mcp:mcp-communication:send-ledger:*", Ct));
        }
        finally
        {
            ((IDisposable)stateA).Dispose();
            ((IDisposable)stateB).Dispose();
        }
    }
}

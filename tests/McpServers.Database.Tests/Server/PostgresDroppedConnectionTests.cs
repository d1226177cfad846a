using System.Text.Json;
using McpServers.Shared.Pipeline;
using McpServers.Testing.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Database.Tests.Server;

/// <summary>
/// A real PostgreSQL that drops the server's pooled connections (as a restart or an administrator's
/// pg_terminate_backend does): the transport fault a closed port cannot show, because the pool still believes in them.
/// </summary>
public sealed class PostgresDroppedConnectionTests(PostgresDemoSource source) : IClassFixture<PostgresDemoSource>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PooledConnectionsDroppedByTheDatabase_AreABackendError_ThatLeaksNothing_AndTheNextCallWorks()
    {
        source.RequireAvailable();
        await using InMemoryMcpServer host = DatabaseServerUnderTest.Start(source.Settings);
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        CallToolResult first = await CountInvoicesAsync(client);
        Assert.NotEqual(true, first.IsError);

        // Waits (up to 5 s) until each backend has really ended, so the next call meets a dead connection.
        await source.Database!.ExecuteAsync(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'mcp-database'");
        CallToolResult dropped = await CountInvoicesAsync(client);
        CallToolResult next = await CountInvoicesAsync(client);

        Assert.True(dropped.IsError);
        string text = string.Join("\n", dropped.Content.OfType<TextContentBlock>().Select(b => b.Text));
        JsonElement audit = host.AuditEvents()[1];
        Assert.Equal(AuditOutcome.BackendError, audit.GetProperty("outcome").GetString());
        Assert.Contains($"correlation id {audit.GetProperty("correlation_id").GetString()}", text, StringComparison.Ordinal);
        Assert.Contains("Retry", text, StringComparison.Ordinal);
        Assert.DoesNotContain("terminat", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("terminat", audit.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.NotEqual(true, next.IsError);
    }

    private static Task<CallToolResult> CountInvoicesAsync(McpClient client) =>
        client.CallToolAsync("db_aggregate", new Dictionary<string, object?>
        {
            ["table"] = "invoices",
            ["metrics"] = JsonDocument.Parse("""[{"function":"count"}]""").RootElement.Clone(),
        }, cancellationToken: Ct).AsTask();
}

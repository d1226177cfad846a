using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;
using McpServers.Testing.Redis;
using McpServers.Testing.TypeScriptClient;

namespace McpServers.Database.Tests.Server;

/// <summary>
/// mcp-database as a service (<c>--http</c>, the SQLite demo): two replicas sharing Redis page through one result
/// together, because they sign cursors with the one key kept there. The second page is asked for by the official
/// TypeScript SDK client, which checks the structured result against db_query's output schema.
/// </summary>
public sealed class DatabaseHttpReplicaTests
{
    private const string Key = "mcpk_database_replicas_0123456789";

    [Fact]
    public async Task TwoReplicasSharingRedis_AcceptEachOthersCursors()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        redis.RequireAvailable();
        string exe = ServerExecutable.Resolve("mcp-database");
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key)));
        string[] args = ["--demo", "--set", $"Service:ApiKeys:t:Sha256={hash}", "--set", "Service:ApiKeys:t:Scopes=mcp:read", "--set", "Service:ApiKeys:t:Expires=2099-01-01"];
        var env = new Dictionary<string, string?> { ["MCP_DATABASE__Service__RedisConnectionString"] = redis.ConnectionString };
        await using HttpMcpServer a = await HttpMcpServer.StartAsync(exe, args, env);
        await using HttpMcpServer b = await HttpMcpServer.StartAsync(exe, args, env);
        var query = new JsonObject { ["table"] = "customers", ["columns"] = new JsonArray("id", "name"), ["order_by"] = new JsonArray(new JsonObject { ["column"] = "id" }), ["limit"] = 2 };

        JsonElement first = await a.CallToolAsync(Key, "db_query", (JsonObject)query.DeepClone(), TestContext.Current.CancellationToken);
        string cursor = first.GetProperty("structuredContent").GetProperty("next_cursor").GetString()!;
        var next = (JsonObject)query.DeepClone();
        next["cursor"] = cursor;
        var (client, connected) = await TypeScriptSdkClient.ConnectHttpAsync(b.Endpoint, Key, TestContext.Current.CancellationToken);
        await using (client)
        {
            Assert.True(connected.Ok, connected.ToString());
            Assert.True((await client.ListToolsAsync(TestContext.Current.CancellationToken)).Ok);
            SdkAnswer second = await client.CallToolAsync("db_query", next, TestContext.Current.CancellationToken);

            Assert.True(second.Ok && !second.IsError, second.ToString());
            int[] Ids(JsonElement structured) => [.. structured.GetProperty("rows").EnumerateArray().Select(r => r[0].GetInt32())];
            Assert.Equal([1, 2], Ids(first.GetProperty("structuredContent")));
            Assert.Equal([3, 4], Ids(second.StructuredContent!.Value));
        }
    }
}

using System.Text.Json;
using McpServers.InternalApi.Tests.Service;
using McpServers.Testing.Hosting;
using McpServers.Testing.Http;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>The generated tools against the real sample service: what reaches it, and what comes back.</summary>
public sealed class OperationToolTests : IAsyncLifetime
{
    private InventoryService _service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _service = await InventoryService.StartAsync();

    public async ValueTask DisposeAsync() => await _service.DisposeAsync();

    private async Task<(InMemoryMcpServer Host, McpClient Client)> ConnectAsync(params (string, string?)[] extra)
    {
        InMemoryMcpServer host = InternalApiServerUnderTest.Start(InternalApiServerUnderTest.SettingsFor(_service, extra));
        return (host, await host.ConnectAsync(cancellationToken: Ct));
    }

    private static async Task<CallToolResult> CallAsync(McpClient client, string tool, object arguments) =>
        await client.CallToolAsync(tool, JsonSerializer.SerializeToElement(arguments).EnumerateObject()
            .ToDictionary(p => p.Name, p => (object?)p.Value.Clone()), cancellationToken: Ct);

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    [Fact]
    public async Task ReadOnlyMode_ListsTheGetOperations_AndSkipsTheUnenforceableOne()
    {
        var (host, client) = await ConnectAsync();
        await using (host)
        await using (client)
        {
            string[] names = [.. (await client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name)];

            Assert.Equal(["api_list_items", "api_get_item", "api_get_warehouses_by_warehouse_id_stock", "api_get_problem", "api_get_busy",
                "api_get_flaky", "api_get_large", "api_get_secure"], names);
            Assert.Contains("Operation not served: GET /reports/{host} (getReport)", host.DiagnosticLog, StringComparison.Ordinal);
            Assert.Contains("ipv4", host.DiagnosticLog, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ListItems_SendsQueryParametersPerStyle_AndReturnsStructuredJson()
    {
        var (host, client) = await ConnectAsync();
        await using (host)
        await using (client)
        {
            CallToolResult result = await CallAsync(client, "api_list_items", new { q = "wid get&x=1", tag = new[] { "a", "b c" }, limit = 1 });

            Assert.True(result.IsError != true, Text(result));
            RecordedRequest request = Assert.Single(_service.Calls);
            Assert.Equal("/api/items", request.Path);
            Assert.Equal("?q=wid%20get%26x%3D1&tag=a&tag=b%20c&limit=1", request.RawQuery);
            JsonElement structured = result.StructuredContent!.Value;
            Assert.Equal(200, structured.GetProperty("status").GetInt32());
            Assert.Equal("w-1", structured.GetProperty("body")[0].GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task GetItem_PassesDeclaredHeaders_StripsBidiCharacters_AndNeverTakesAuthorizationFromTheModel()
    {
        var (host, client) = await ConnectAsync();
        await using (host)
        await using (client)
        {
            Tool tool = (await client.ListToolsAsync(cancellationToken: Ct)).Single(t => t.Name == "api_get_item").ProtocolTool;
            Assert.False(tool.InputSchema.GetProperty("properties").TryGetProperty("Authorization", out _));

            CallToolResult result = await CallAsync(client, "api_get_item", new { itemId = "w-1", X_Request_Id = (string?)null });
            Assert.True(result.IsError);

            result = await CallAsync(client, "api_get_item", new Dictionary<string, object> { ["itemId"] = "w-1", ["X-Request-Id"] = "req-77" });
            Assert.True(result.IsError != true, Text(result));
            Assert.Equal("req-77", _service.Calls[^1].Header("X-Request-Id"));
            Assert.Null(_service.Calls[^1].Header("Authorization"));
            Assert.DoesNotContain('\u202E', Text(result));
        }
    }

    [Fact]
    public async Task InvalidArguments_NeverReachTheService()
    {
        var (host, client) = await ConnectAsync();
        await using (host)
        await using (client)
        {
            CallToolResult tooMany = await CallAsync(client, "api_list_items", new { limit = 1000 });
            CallToolResult badPattern = await CallAsync(client, "api_get_warehouses_by_warehouse_id_stock", new { warehouseId = "../x" });
            CallToolResult missing = await CallAsync(client, "api_get_item", new { });

            Assert.True(tooMany.IsError);
            Assert.Contains("limit", Text(tooMany), StringComparison.Ordinal);
            Assert.True(badPattern.IsError);
            Assert.True(missing.IsError);
            Assert.Contains("itemId", Text(missing), StringComparison.Ordinal);
            Assert.Empty(_service.Calls);
        }
    }

    [Fact]
    public async Task Writes_AreHiddenAndRefusedInReadOnlyMode()
    {
        var (host, client) = await ConnectAsync();
        await using (host)
        await using (client)
        {
            IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: Ct);
            CallToolResult result = await CallAsync(client, "api_create_item", new { body = new { name = "N", kind = "part" } });

            Assert.DoesNotContain(tools, t => t.Name is "api_create_item" or "api_update_item" or "api_delete_item" or "api_search_items");
            Assert.True(result.IsError);
            Assert.Contains("read-only", Text(result), StringComparison.Ordinal);
            Assert.Empty(_service.Calls);
        }
    }

    [Fact]
    public async Task CreateItem_WithWritesAllowed_SendsTheValidatedJsonBodyOnce()
    {
        var (host, client) = await ConnectAsync(("Policy:ReadOnly", "false"));
        await using (host)
        await using (client)
        {
            var body = new { name = "Bolt", kind = "part", quantity = 3, note = (string?)null, available_from = "2026-12-01", dimensions = new { width_mm = 4.5 } };
            CallToolResult created = await CallAsync(client, "api_create_item", new { body });
            CallToolResult badEnum = await CallAsync(client, "api_create_item", new { body = new { name = "Bolt", kind = "weapon" } });
            CallToolResult badNested = await CallAsync(client, "api_create_item", new { body = new { name = "Bolt", kind = "part", dimensions = new { width_mm = -1 } } });
            CallToolResult failing = await CallAsync(client, "api_create_item", new { body = new { name = "fail-503", kind = "part" } });

            Assert.True(created.IsError != true, Text(created));
            Assert.Equal(201, created.StructuredContent!.Value.GetProperty("status").GetInt32());
            Assert.True(badEnum.IsError);
            Assert.True(badNested.IsError);
            Assert.True(failing.IsError);
            // Two POSTs reached the service: the valid one, and the failing one exactly once (POST is never retried).
            Assert.Equal(2, _service.Calls.Count(r => r.Method == "POST"));
            Assert.Equal("application/json; charset=utf-8", _service.Calls[0].Header("Content-Type"));
            Assert.Equal(JsonSerializer.Serialize(body), _service.Calls[0].Body);
        }
    }

    [Theory]
    [InlineData("../../admin")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("%2e%2e%2fadmin")]
    [InlineData("//evil.example/x")]
    [InlineData("http://evil.example/steal")]
    [InlineData("a?b=c#frag")]
    [InlineData("..\\..\\admin")]
    [InlineData("@evil.example")]
    public async Task PathParameters_CannotLeaveTheBaseUrl(string itemId)
    {
        var (host, client) = await ConnectAsync(("Policy:ReadOnly", "false"));
        await using (host)
        await using (client)
        {
            await CallAsync(client, "api_get_item", new { itemId });
            await CallAsync(client, "api_delete_item", new { itemId });

            // "." and ".." are refused outright: servers normalise them even when percent-encoded.
            Assert.Equal(itemId is "." or ".." ? 0 : 2, _service.Calls.Count);
            Assert.All(_service.Calls, r =>
            {
                Assert.StartsWith("/api/items/", r.Path, StringComparison.Ordinal);
                Assert.Equal("", r.RawQuery);
                Assert.Equal(_service.BaseAddress.Authority, r.Header("Host"));
            });
        }
    }

    [Fact]
    public async Task ProblemJson_IsPassedOnSanitised()
    {
        var (host, client) = await ConnectAsync();
        await using (host)
        await using (client)
        {
            string text = Text(await CallAsync(client, "api_get_problem", new { }));

            Assert.Contains("conflict", text, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("locked by job 42", text, StringComparison.Ordinal);
            Assert.DoesNotContain("corp.internal", text, StringComparison.Ordinal);
            Assert.DoesNotContain("10.1.2.3", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Db.cs", text, StringComparison.Ordinal);
            Assert.DoesNotContain('\u0007', text);
        }
    }

    [Fact]
    public async Task RateLimited_WithALongRetryAfter_IsNotRetried_AndSaysWhenToTryAgain()
    {
        var (host, client) = await ConnectAsync();
        await using (host)
        await using (client)
        {
            CallToolResult result = await CallAsync(client, "api_get_busy", new { });

            Assert.True(result.IsError);
            Assert.Contains("120 s", Text(result), StringComparison.Ordinal);
            Assert.Single(_service.Calls);
            Assert.Equal("backend_error", host.AuditEvents().Single().GetProperty("outcome").GetString());
        }
    }

    [Fact]
    public async Task IdempotentGet_IsRetriedAfterA503()
    {
        var (host, client) = await ConnectAsync();
        await using (host)
        await using (client)
        {
            CallToolResult result = await CallAsync(client, "api_get_flaky", new { });

            Assert.True(result.IsError != true, Text(result));
            Assert.Equal(2, _service.Calls.Count);
        }
    }

    [Fact]
    public async Task LargeBody_IsCutAtTheByteCap_WithATruncationNotice()
    {
        var (host, client) = await ConnectAsync(("MaxResponseBytes", "4096"));
        await using (host)
        await using (client)
        {
            CallToolResult result = await CallAsync(client, "api_get_large", new { });

            Assert.True(result.IsError != true, Text(result));
            JsonElement structured = result.StructuredContent!.Value;
            Assert.True(structured.GetProperty("truncation").GetProperty("truncated").GetBoolean());
            Assert.True(structured.GetProperty("body_text").GetString()!.Length <= 4096);
            Assert.Contains("[Truncated:", Text(result), StringComparison.Ordinal);
            Assert.True(Text(result).Length < 5000);
        }
    }

    [Fact]
    public async Task BearerToken_IsForwarded_AndAbsentFromLogsAuditAndResults()
    {
        var (host, client) = await ConnectAsync(("Auth:Mode", "Bearer"), ("Auth:BearerToken", InventoryService.BearerToken));
        await using (host)
        await using (client)
        {
            CallToolResult ok = await CallAsync(client, "api_get_secure", new { });
            CallToolResult other = await CallAsync(client, "api_get_problem", new { });

            Assert.True(ok.IsError != true, Text(ok));
            Assert.All(_service.Calls, r => Assert.Equal("Bearer " + InventoryService.BearerToken, r.Header("Authorization")));
            string everything = host.DiagnosticLog + AuditFiles.RawText(host.AuditDirectory) + Text(ok) + Text(other);
            Assert.DoesNotContain(InventoryService.BearerToken, everything, StringComparison.Ordinal);
            Assert.Contains("127.0.0.1", host.AuditEvents()[0].GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WithoutCredentials_TheServiceRefuses_WithAClearMessage()
    {
        var (host, client) = await ConnectAsync();
        await using (host)
        await using (client)
        {
            CallToolResult result = await CallAsync(client, "api_get_secure", new { });

            Assert.True(result.IsError);
            Assert.Contains("credentials", Text(result), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Header")]
    [InlineData("Query")]
    public async Task ApiKey_IsSentWhereConfigured(string location)
    {
        const string key = "inv-api-Key-0042";
        var (host, client) = await ConnectAsync(("Auth:Mode", "ApiKey"), ("Auth:ApiKey", key), ("Auth:ApiKeyIn", location), ("Auth:ApiKeyName", "X-Api-Key"));
        await using (host)
        await using (client)
        {
            CallToolResult result = await CallAsync(client, "api_list_items", new { limit = 1 });

            Assert.True(result.IsError != true, Text(result));
            RecordedRequest request = Assert.Single(_service.Calls);
            if (location == "Header")
            {
                Assert.Equal(key, request.Header("X-Api-Key"));
            }
            else
            {
                Assert.Equal("?limit=1&X-Api-Key=" + key, request.RawQuery);
            }

            Assert.DoesNotContain(key, host.DiagnosticLog + AuditFiles.RawText(host.AuditDirectory), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ClientCredentials_FetchesOneTokenAndReusesIt()
    {
        var (host, client) = await ConnectAsync(("Auth:Mode", "ClientCredentials"), ("Auth:TokenUrl", _service.TokenUrl),
            ("Auth:ClientId", InventoryService.ClientId), ("Auth:ClientSecret", InventoryService.ClientSecret), ("Auth:Scope", "inventory.read"));
        await using (host)
        await using (client)
        {
            for (int i = 0; i < 3; i++)
            {
                CallToolResult result = await CallAsync(client, "api_get_secure", new { });
                Assert.True(result.IsError != true, Text(result));
            }

            Assert.Equal(1, _service.TokensIssued);
            Assert.Equal(3, _service.Calls.Count(r => r.Path == "/api/secure" && r.Header("Authorization") == "Bearer " + InventoryService.OAuthToken));
            Assert.Contains("scope=inventory.read", _service.Calls.Single(r => r.Path == "/oauth/token").Body, StringComparison.Ordinal);
            string logs = host.DiagnosticLog + AuditFiles.RawText(host.AuditDirectory);
            Assert.DoesNotContain(InventoryService.OAuthToken, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(InventoryService.ClientSecret, logs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OperationOverrides_MakeAPostSearchReadOnly_AndAnIdempotentPostRetryable()
    {
        var (host, client) = await ConnectAsync(
            ("Include", InternalApiServerUnderTest.Include + ",searchItems"),
            ("Operations:searchItems:ReadOnly", "true"),
            ("Operations:createItem:Idempotent", "true"),
            ("Operations:noSuchOperation:ReadOnly", "true"),
            ("Policy:ReadOnly", "false"));
        await using (host)
        await using (client)
        {
            Tool search = (await client.ListToolsAsync(cancellationToken: Ct)).Single(t => t.Name == "api_search_items").ProtocolTool;
            CallToolResult failing = await CallAsync(client, "api_create_item", new { body = new { name = "fail-503", kind = "part" } });

            Assert.True(search.Annotations!.ReadOnlyHint);
            Assert.False(search.Annotations.DestructiveHint);
            Assert.True(failing.IsError);
            Assert.Equal(3, _service.Calls.Count(r => r.Method == "POST"));
            Assert.Contains("Operations:noSuchOperation", host.DiagnosticLog, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RateLimits_ApplyPerOperation()
    {
        var (host, client) = await ConnectAsync(("RateLimits:Tools:api_get_flaky", "1"));
        await using (host)
        await using (client)
        {
            CallToolResult first = await CallAsync(client, "api_get_flaky", new { });
            CallToolResult second = await CallAsync(client, "api_get_flaky", new { });
            CallToolResult other = await CallAsync(client, "api_list_items", new { });

            Assert.True(first.IsError != true, Text(first));
            Assert.True(second.IsError);
            Assert.True(other.IsError != true, Text(other));
            Assert.Equal(["ok", "rate_limited", "ok"], host.AuditEvents().Select(e => e.GetProperty("outcome").GetString()));
        }
    }

    [Fact]
    public async Task DocumentUrl_IsFetchedWithTheConfiguredCredentials()
    {
        Exception refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var (host, client) = await ConnectAsync(("Auth:Mode", "Bearer"), ("Auth:BearerToken", "wrong"));
            await using (host)
            await using (client)
            {
                await client.ListToolsAsync(cancellationToken: Ct);
            }
        });

        Assert.Contains("answered HTTP 401", refused.ToString(), StringComparison.Ordinal);
        RecordedRequest fetch = Assert.Single(_service.Requests);
        Assert.Equal("/api/openapi.json", fetch.Path);
        Assert.Equal("Bearer wrong", fetch.Header("Authorization"));
    }
}

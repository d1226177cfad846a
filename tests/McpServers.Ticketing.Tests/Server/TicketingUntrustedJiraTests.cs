using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Shared.Pipeline;
using McpServers.Testing.Hosting;
using McpServers.Ticketing.Tests.Fake;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>
/// What Jira answers is untrusted: keys are validated before reuse, other projects' content is not shown, odd field
/// types drop one field, text is capped; and what the model writes is checked before it reaches Jira.
/// </summary>
public sealed class TicketingUntrustedJiraTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static Dictionary<string, object?> Args(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    private static async Task<(FakeJira Jira, InMemoryMcpServer Host, McpClient Client)> StartAsync(bool cloud, Action<FakeJira>? arrange = null,
        Dictionary<string, string?>? extra = null)
    {
        FakeJira jira = await FakeJira.StartAsync(cloud, Ct);
        arrange?.Invoke(jira);
        Dictionary<string, string?> settings = TicketingToolTests.SettingsFor(jira);
        settings["Confirmation:Disable"] = "jira_create_issue,jira_transition_issue";
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        var host = new InMemoryMcpServer((s, c) => s.AddTicketingServer(c), settings);
        return (jira, host, await host.ConnectAsync(cancellationToken: Ct));
    }

    private static string Issue(string key, string fields) =>
        "{\"id\":\"9\",\"key\":" + JsonSerializer.Serialize(key) + ",\"fields\":{" + fields + "}}";

    [Fact]
    public async Task GetIssue_RelatedIssuesOutsideTheAllowlist_ShowOnlyTheirKeys()
    {
        var (jira, host, client) = await StartAsync(cloud: false, j => j.IssueOverrides["OPS-5"] = Issue("OPS-5", """
            "summary":"Visible","project":{"key":"OPS"},
            "parent":{"key":"HR-1","fields":{"summary":"Payroll secret","status":{"name":"Open"}}},
            "subtasks":[{"key":"SEC-1","fields":{"summary":"Security secret"}},{"key":"OPS-6","fields":{"summary":"Allowed subtask"}},{"key":"../../x?y=1","fields":{"summary":"Forged"}}],
            "issuelinks":[{"type":{"inward":"is blocked by"},"inwardIssue":{"key":"HR-2","fields":{"summary":"Salary secret","status":{"name":"Done"}}}}]
            """));
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_get_issue", Args("""{"issue_key":"OPS-5"}"""), cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        string all = Text(result) + result.StructuredContent!.Value.GetRawText();
        Assert.DoesNotContain("secret", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Forged", all, StringComparison.Ordinal);
        JsonElement s = result.StructuredContent!.Value;
        Assert.Equal("HR-1", s.GetProperty("parent").GetProperty("key").GetString());
        Assert.Equal(["SEC-1", "OPS-6"], s.GetProperty("subtasks").EnumerateArray().Select(t => t.GetProperty("key").GetString()));
        Assert.Contains("Allowed subtask", all, StringComparison.Ordinal);
        Assert.Equal("HR-2", s.GetProperty("links")[0].GetProperty("key").GetString());
    }

    [Theory]
    [InlineData("text/html", "<html><body>Bad Request from the proxy at jira-int.corp</body></html>")]
    [InlineData("application/json", "{\"errorMessages\":")]
    [InlineData("application/json", "[\"not\",\"jira's shape\"]")]
    public async Task BadRequest_WithABodyThatIsNotJirasErrorDocument_IsTheGenericInputError(string contentType, string body)
    {
        var (jira, host, client) = await StartAsync(cloud: true,
            j => j.ServerInfoOverride = () => Microsoft.AspNetCore.Http.Results.Content(body, contentType, statusCode: 400));
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_list_projects", Args("{}"), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Equal("Jira rejected the request as invalid; check the arguments.", Text(result));
        Assert.Equal(AuditOutcome.Invalid, host.AuditEvents()[^1].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task GetIssue_DeepParentChain_IsAnsweredWithTheFirstParentOnly()
    {
        string chain = Backend.JiraDtoTests.ParentChain(25, "Bottom " + new string('y', 500_000));
        var (jira, host, client) = await StartAsync(cloud: false, j => j.IssueOverrides["OPS-5"] = Issue("OPS-5",
            "\"summary\":\"Visible\",\"project\":{\"key\":\"OPS\"},\"parent\":" + chain));
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_get_issue", Args("""{"issue_key":"OPS-5","comments":0}"""), cancellationToken: Ct);

        Assert.True(result.IsError != true, Text(result));
        JsonElement parent = result.StructuredContent!.Value.GetProperty("parent");
        Assert.Equal("OPS-1", parent.GetProperty("key").GetString());
        Assert.Equal("Level 0", parent.GetProperty("summary").GetString());
        Assert.Equal("Open 0", parent.GetProperty("status").GetString());
        string all = Text(result) + result.StructuredContent!.Value.GetRawText();
        Assert.DoesNotContain("Level 1", all, StringComparison.Ordinal);
        Assert.DoesNotContain("OPS-2", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Bottom", all, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OPS-5/../../../rest/api/2/myself?x=")]
    [InlineData("SEC-1")]
    [InlineData("OPS-5\n")]
    public async Task GetIssue_AnswerWithAForgedKey_IsNotFoundAndTheKeyIsNeverReused(string forged)
    {
        var (jira, host, client) = await StartAsync(cloud: true, j => j.IssueOverrides["OPS-5"] = Issue(forged, """
            "summary":"Forged","project":{"key":"OPS"}
            """));
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_get_issue", Args("""{"issue_key":"OPS-5"}"""), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("Issue OPS-5 was not found or is not visible to you.", Text(result), StringComparison.Ordinal);
        Assert.Equal("/rest/api/3/issue/OPS-5", jira.Requests[^1].Path);
        Assert.DoesNotContain(jira.Requests, r => r.Path.Contains("/comment", StringComparison.Ordinal) || r.Path.Contains("SEC", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_OddFieldTypesDropOneField_AndIssuesWithForeignOrForgedKeysAreDropped()
    {
        var (jira, host, client) = await StartAsync(cloud: true, j => j.SearchOverride = """
            {"isLast":true,"issues":[
              {"key":"OPS-1","fields":{"summary":"Fine","priority":"High","status":{"name":42},"labels":[1,2],"updated":{"odd":true},"assignee":[],"project":{"key":"OPS"}}},
              {"key":"SEC-9","fields":{"summary":"Other project","project":{"key":"SEC"}}},
              {"key":"OPS-2","fields":{"summary":"Moved","project":{"key":"HR"}}},
              {"key":17,"fields":{"summary":"Numeric key"}},
              {"key":"OPS-3/../x","fields":{"summary":"Forged"}}
            ]}
            """);
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_search_issues", Args("{}"), cancellationToken: Ct);

        Assert.True(result.IsError != true, Text(result));
        JsonElement issue = Assert.Single(result.StructuredContent!.Value.GetProperty("issues").EnumerateArray());
        Assert.Equal("OPS-1", issue.GetProperty("key").GetString());
        Assert.Equal("Fine", issue.GetProperty("summary").GetString());
        Assert.False(issue.TryGetProperty("priority", out JsonElement p) && p.ValueKind == JsonValueKind.String && p.GetString()!.Length > 0);
    }

    [Fact]
    public async Task GetIssue_HugeTextFromJira_IsCappedBeforeItReachesTheResult()
    {
        string huge = new('x', 2_000_000);
        var (jira, host, client) = await StartAsync(cloud: false, j => j.IssueOverrides["OPS-5"] = Issue("OPS-5",
            $"\"summary\":\"{huge}\",\"description\":\"{huge}\",\"status\":{{\"name\":\"{huge}\"}},\"labels\":[\"{huge}\"],\"project\":{{\"key\":\"OPS\"}}"));
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_get_issue", Args("""{"issue_key":"OPS-5","comments":0}"""), cancellationToken: Ct);

        Assert.True(result.IsError != true, Text(result));
        JsonElement s = result.StructuredContent!.Value;
        Assert.True(s.GetProperty("summary").GetString()!.Length <= 1000);
        Assert.True(s.GetProperty("status").GetString()!.Length <= 200);
        Assert.True(s.GetProperty("description").GetString()!.Length <= 20_000);
        Assert.True(s.GetRawText().Length < 100_000, $"structured content is {s.GetRawText().Length} characters");
        Assert.True(Text(result).Length < 100_000, $"text is {Text(result).Length} characters");
    }

    [Theory]
    [InlineData("HR-1")]
    [InlineData("OPS-1/../../HR-1")]
    public async Task CreateIssue_KeyJiraReturnsIsValidatedBeforeItIsEchoed(string returned)
    {
        var (jira, host, client) = await StartAsync(cloud: true, j => j.CreatedKey = returned);
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_create_issue", Args("""{"project":"OPS","issue_type":"Bug","summary":"Checkout fails"}"""), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("look for it in project OPS", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(returned, Text(result), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jira_create_issue", """{"project":"OPS","issue_type":"Bug","summary":"Checkout\r\nfails"}""")]
    [InlineData("jira_create_issue", """{"project":"OPS","issue_type":"Bug","summary":"Checkout\u0000fails"}""")]
    [InlineData("jira_update_issue", """{"issue_key":"OPS-1","summary":"two\nlines"}""")]
    [InlineData("jira_add_comment", """{"issue_key":"OPS-1","body":"  \n\t "}""")]
    [InlineData("jira_add_comment", """{"issue_key":"OPS-1","body":"\u200B\u202E"}""")]
    [InlineData("jira_transition_issue", """{"issue_key":"OPS-1","transition":"Done","comment":"   "}""")]
    [InlineData("jira_get_issue", """{"issue_key":"OPS-1111111111111111111111111111111111111111111111111111"}""")]
    [InlineData("jira_search_issues", """{"labels":["a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a"]}""")]
    public async Task Writes_WithForgedLinesBlankTextOrOversizedInputs_AreRefusedBeforeJira(string tool, string arguments)
    {
        var (jira, host, client) = await StartAsync(cloud: true);
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync(tool, Args(arguments), cancellationToken: Ct);

        Assert.True(result.IsError, Text(result));
        Assert.DoesNotContain(jira.Requests, r => r.Method is "POST" or "PUT" || r.Path.Contains("/issue/", StringComparison.Ordinal));
        Assert.DoesNotContain("internal error", Text(result), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Comment_ControlAndBidiCharacters_AreStrippedBeforeSending()
    {
        var (jira, host, client) = await StartAsync(cloud: false);
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_add_comment", Args("""{"issue_key":"OPS-1","body":"Fixed\u202E in\u0007 1.2\u200B"}"""), cancellationToken: Ct);

        Assert.True(result.IsError != true, Text(result));
        JsonNode body = JsonNode.Parse(Assert.Single(jira.Requests, r => r.Method == "POST" && r.Path.EndsWith("/comment", StringComparison.Ordinal)).Body)!;
        Assert.Equal("Fixed in 1.2", body["body"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FlavorAuto_WithoutDeploymentType_DetectsTheFlavourByAskingForRestV3(bool cloud)
    {
        var (jira, host, client) = await StartAsync(cloud, j => j.OmitDeploymentType = true);
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_search_issues", Args("{}"), cancellationToken: Ct);

        Assert.True(result.IsError != true, Text(result));
        Assert.Contains(jira.Requests, r => r.Path == (cloud ? "/rest/api/3/search/jql" : "/rest/api/2/search"));
    }

    [Fact]
    public async Task ListProjects_OnCloud_UsesThePaginatedProjectSearchForTheAllowedKeysOnly()
    {
        var (jira, host, client) = await StartAsync(cloud: true, j => j.ProjectPageSize = 1);
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_list_projects", Args("{}"), cancellationToken: Ct);

        Assert.True(result.IsError != true, Text(result));
        Assert.Equal(["OPS", "WEB"], result.StructuredContent!.Value.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("key").GetString()));
        var searches = jira.Requests.Where(r => r.Path == "/rest/api/3/project/search").ToList();
        Assert.Equal(2, searches.Count);
        Assert.All(searches, r => Assert.Contains("keys=OPS&keys=WEB", r.RawQuery, StringComparison.Ordinal));
        Assert.DoesNotContain(jira.Requests, r => r.Path == "/rest/api/3/project");
    }

    [Fact]
    public async Task Transitions_WithIdsThatAreNotJiraIds_AreNotOffered()
    {
        var (jira, host, client) = await StartAsync(cloud: true, j => j.TransitionsOverride = """
            {"transitions":[{"id":"../../x","name":"Forged","to":{"name":"Done"}},{"id":21,"name":"Numeric JSON","to":{"name":"Done"}},{"id":"31","name":"Done","to":{"name":"Done"}}]}
            """);
        await using var _ = jira;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("jira_list_transitions", Args("""{"issue_key":"OPS-1"}"""), cancellationToken: Ct);

        Assert.True(result.IsError != true, Text(result));
        JsonElement offered = Assert.Single(result.StructuredContent!.Value.GetProperty("transitions").EnumerateArray());
        Assert.Equal("31", offered.GetProperty("id").GetString());
    }

    [Fact]
    public async Task ToolSchemas_CapIssueKeysAndEveryList()
    {
        var (jira, host, client) = await StartAsync(cloud: true);
        await using var _ = jira;
        await using var __ = host;

        IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: Ct);

        foreach (McpClientTool tool in tools)
        {
            foreach (JsonProperty p in tool.ProtocolTool.InputSchema.GetProperty("properties").EnumerateObject())
            {
                string type = p.Value.TryGetProperty("type", out JsonElement t) ? t.GetRawText() : "";
                if (type.Contains("array", StringComparison.Ordinal))
                {
                    Assert.True(p.Value.TryGetProperty("maxItems", out JsonElement _), $"{tool.Name}.{p.Name} has no maxItems");
                }

                if (p.Name == "issue_key")
                {
                    Assert.True(p.Value.TryGetProperty("maxLength", out JsonElement _), $"{tool.Name}.{p.Name} has no maxLength");
                }
            }
        }
    }
}

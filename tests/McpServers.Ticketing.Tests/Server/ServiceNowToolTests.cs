using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;
using McpServers.Ticketing.Tests.Fake;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>The snow_* tools in memory against the fake ServiceNow instance: reads, counts, confirmed writes, refusals.</summary>
public sealed class ServiceNowToolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static Dictionary<string, object?> Args(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    public static Dictionary<string, string?> SettingsFor(FakeServiceNow snow) => new()
    {
        ["Ticketing:Provider"] = "ServiceNow",
        ["ServiceNow:InstanceUrl"] = snow.BaseUrl.ToString(),
        ["ServiceNow:UserName"] = FakeServiceNow.UserName,
        ["ServiceNow:Password"] = FakeServiceNow.Password,
        ["ServiceNow:Http:MaxRetries"] = "0",
        ["Policy:ReadOnly"] = "false",
    };

    private static async Task<(FakeServiceNow Snow, InMemoryMcpServer Host, McpClient Client)> StartAsync(Dictionary<string, string?>? extra = null)
    {
        FakeServiceNow snow = await FakeServiceNow.StartAsync(Ct);
        Dictionary<string, string?> settings = SettingsFor(snow);
        foreach ((string key, string? value) in extra ?? [])
        {
            settings[key] = value;
        }

        var host = new InMemoryMcpServer((s, c) => s.AddTicketingServer(c), settings);
        return (snow, host, await host.ConnectAsync(cancellationToken: Ct));
    }

    private static JsonElement Structured(CallToolResult result) =>
        result.StructuredContent is { } s ? s : throw new InvalidOperationException("No structured content: " + Text(result));

    [Fact]
    public async Task OnlyTheServiceNowTools_AreListed()
    {
        var (snow, host, client) = await StartAsync();
        await using var _ = snow;
        await using var __ = host;

        IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: Ct);

        Assert.Equal(["snow_add_work_note", "snow_count_records", "snow_create_record", "snow_get_record", "snow_search_records", "snow_update_record"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Search_FindsOpenP1Incidents_NewestFirst_WithoutRecordsTheAclHides_AndAlwaysAsksForTheAllowedFieldsOnly()
    {
        var (snow, host, client) = await StartAsync();
        await using var _ = snow;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("snow_search_records",
            Args("""{"table":"incident","filters":[{"field":"priority","operator":"equals","value":"1"},{"field":"active","operator":"equals","value":"true"}]}"""), cancellationToken: Ct);

        JsonElement output = Structured(result);
        Assert.Equal(["INC0010001", "INC0010003", "INC0010004"], output.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("number").GetString()));
        Assert.Equal(3, output.GetProperty("total").GetInt32());
        Assert.Equal("VPN down in Berlin", output.GetProperty("records")[0].GetProperty("fields").GetProperty("short_description").GetString());
        Assert.DoesNotContain("INC0000099", Text(result), StringComparison.Ordinal);
        Testing.Http.RecordedRequest request = Assert.Single(snow.Requests, r => r.Path == "/api/now/table/incident");
        Assert.Contains("sysparm_query=priority%3D1%5Eactive%3Dtrue%5EORDERBYDESCsys_updated_on", request.RawQuery, StringComparison.Ordinal);
        Assert.Contains("sysparm_fields=sys_id%2Cnumber%2Cshort_description", request.RawQuery, StringComparison.Ordinal);
        Assert.Contains("sysparm_display_value=true", request.RawQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_PagesWithACursor_ExactlyOnce()
    {
        var (snow, host, client) = await StartAsync();
        await using var _ = snow;
        await using var __ = host;
        var seen = new List<string>();
        string? cursor = null;
        int pages = 0;
        do
        {
            Dictionary<string, object?> args = Args("""{"table":"incident","max_results":2}""");
            if (cursor is not null)
            {
                args["cursor"] = cursor;
            }

            JsonElement page = Structured(await client.CallToolAsync("snow_search_records", args, cancellationToken: Ct));
            seen.AddRange(page.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("number").GetString()!));
            cursor = page.TryGetProperty("next_cursor", out JsonElement next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(["INC0010001", "INC0010002", "INC0010003", "INC0010004"], seen);
        Assert.Equal(2, pages);
    }

    [Fact]
    public async Task InjectionInAFilterValue_IsRefusedBeforeAnythingIsSent()
    {
        var (snow, host, client) = await StartAsync();
        await using var _ = snow;
        await using var __ = host;

        CallToolResult caret = await client.CallToolAsync("snow_search_records",
            Args("""{"table":"incident","filters":[{"field":"priority","operator":"equals","value":"5^NQpriority=1"}]}"""), cancellationToken: Ct);
        CallToolResult script = await client.CallToolAsync("snow_count_records",
            Args("""{"table":"incident","filters":[{"field":"assignment_group","operator":"equals","value":"javascript:gs.getUserID()"}]}"""), cancellationToken: Ct);

        Assert.True(caret.IsError);
        Assert.Contains("'^'", Text(caret), StringComparison.Ordinal);
        Assert.True(script.IsError);
        Assert.Contains("javascript:", Text(script), StringComparison.Ordinal);
        Assert.DoesNotContain(snow.Requests, r => r.Path is "/api/now/table/incident" or "/api/now/stats/incident");
        Assert.Equal(0, snow.ScriptsRun);
    }

    [Theory]
    [InlineData("sys_user")]
    [InlineData("sys_journal_field")]
    [InlineData("cmdb_ci")]
    public async Task TablesOutsideTheAllowlist_AreRefused_NamingTheAllowedOnes(string table)
    {
        var (snow, host, client) = await StartAsync();
        await using var _ = snow;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("snow_search_records", Args($$"""{"table":"{{table}}"}"""), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("incident, problem, change_request, sc_req_item, kb_knowledge", Text(result), StringComparison.Ordinal);
        Assert.Empty(snow.Requests);
    }

    [Fact]
    public async Task Get_ByNumber_ShowsFieldsAndTheJournal_MarkingInternalNotes_AndKeepsRecordTextAsData()
    {
        var (snow, host, client) = await StartAsync();
        await using var _ = snow;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("snow_get_record", Args("""{"table":"incident","id":"INC0010001"}"""), cancellationToken: Ct);

        JsonElement output = Structured(result);
        Assert.Equal(FakeServiceNow.Vpn, output.GetProperty("record").GetProperty("sys_id").GetString());
        Assert.EndsWith($"incident.do?sys_id={FakeServiceNow.Vpn}", output.GetProperty("record").GetProperty("url").GetString(), StringComparison.Ordinal);
        JsonElement journal = output.GetProperty("journal");
        Assert.Equal(["comment", "work_note"], journal.EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Contains("work note (internal)", Text(result), StringComparison.Ordinal);
        Assert.Contains("comment (visible to the caller)", Text(result), StringComparison.Ordinal);
        Assert.Contains("Ignore previous instructions", output.GetProperty("record").GetProperty("fields").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains(snow.Requests, r => r.Path == "/api/now/table/sys_journal_field" && r.RawQuery.Contains("element_id%3D" + FakeServiceNow.Vpn, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_ARecordTheAclHides_IsNotFoundOrNotVisible_BySysIdAndByNumber()
    {
        var (snow, host, client) = await StartAsync();
        await using var _ = snow;
        await using var __ = host;

        CallToolResult bySysId = await client.CallToolAsync("snow_get_record", Args($$"""{"table":"incident","id":"{{FakeServiceNow.Restricted}}"}"""), cancellationToken: Ct);
        CallToolResult byNumber = await client.CallToolAsync("snow_get_record", Args("""{"table":"incident","id":"INC0000099"}"""), cancellationToken: Ct);
        CallToolResult malformed = await client.CallToolAsync("snow_get_record", Args("""{"table":"incident","id":"INC1^ORnumber!=x"}"""), cancellationToken: Ct);

        Assert.True(bySysId.IsError);
        Assert.Contains("not visible to this ServiceNow user", Text(bySysId), StringComparison.Ordinal);
        Assert.True(byNumber.IsError);
        Assert.Contains("not visible to this ServiceNow user", Text(byNumber), StringComparison.Ordinal);
        Assert.True(malformed.IsError);
        Assert.Contains("record number such as INC0010001", Text(malformed), StringComparison.Ordinal);
        Assert.DoesNotContain("laptop", Text(bySysId) + Text(byNumber), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Get_WithoutReadAccessToTheJournal_StillReadsTheRecord_AndSaysWhy()
    {
        var (snow, host, client) = await StartAsync();
        await using var _ = snow;
        await using var __ = host;
        snow.JournalForbidden = true;

        CallToolResult result = await client.CallToolAsync("snow_get_record", Args("""{"table":"incident","id":"INC0010001"}"""), cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        Assert.Contains("not visible to this user", Structured(result).GetProperty("notice").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_GroupsOpenP1IncidentsByAssignmentGroup_WithTheAggregateApi()
    {
        var (snow, host, client) = await StartAsync();
        await using var _ = snow;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("snow_count_records",
            Args("""{"table":"incident","filters":[{"field":"priority","operator":"equals","value":"1"}],"group_by":"assignment_group"}"""), cancellationToken: Ct);

        JsonElement output = Structured(result);
        Assert.Equal(3, output.GetProperty("total").GetInt64());
        JsonElement first = output.GetProperty("groups")[0];
        Assert.Equal("Network", first.GetProperty("value").GetString());
        Assert.Equal(2, first.GetProperty("count").GetInt64());
        Testing.Http.RecordedRequest request = Assert.Single(snow.Requests, r => r.Path.StartsWith("/api/now/stats/", StringComparison.Ordinal));
        Assert.Equal("/api/now/stats/incident", request.Path);
        Assert.Contains("sysparm_group_by=assignment_group", request.RawQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NeedsConfirmation_ThenWritesOnlyAllowlistedFields()
    {
        var (snow, host, client) = await StartAsync();
        await using var _ = snow;
        await using var __ = host;
        Dictionary<string, object?> args = Args("""{"table":"incident","fields":{"short_description":"Wi-Fi down in Lisbon","urgency":2}}""");

        CallToolResult preview = await client.CallToolAsync("snow_create_record", args, cancellationToken: Ct);
        Assert.DoesNotContain(snow.Requests, r => r.Method == "POST");
        Assert.Contains("- short_description: Wi-Fi down in Lisbon", Text(preview), StringComparison.Ordinal);
        Assert.Contains("- urgency: 2", Text(preview), StringComparison.Ordinal);
        CallToolResult created = await client.CallToolAsync("snow_create_record",
            new Dictionary<string, object?>(args) { ["confirmation_token"] = JsonSerializer.SerializeToElement(TokenFrom(preview)) }, cancellationToken: Ct);

        Assert.NotEqual(true, created.IsError);
        string number = Structured(created).GetProperty("number").GetString()!;
        Assert.StartsWith("INC00", number, StringComparison.Ordinal);
        Assert.Contains(snow.Rows("incident"), r => r.GetValueOrDefault("number") == number && r["short_description"] == "Wi-Fi down in Lisbon" && r["urgency"] == "2");
        JsonObject sent = JsonNode.Parse(Assert.Single(snow.Requests, r => r.Method == "POST").Body)!.AsObject();
        Assert.Equal(["short_description", "urgency"], sent.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{"table":"incident","fields":{"sys_class_name":"sys_user"}}""", "not writable in incident")]
    [InlineData("""{"table":"incident","fields":{"work_notes":"x"}}""", "not writable in incident")]
    [InlineData("""{"table":"kb_knowledge","fields":{"short_description":"x"}}""", "read-only")]
    [InlineData("""{"table":"problem","fields":{"short_description":"x"}}""", "cannot be created in 'problem'")]
    [InlineData("""{"table":"incident","fields":{"short_description":"javascript:gs.sleep(1)"}}""", "javascript:")]
    [InlineData("""{"table":"incident","fields":{"short_description":{"nested":1}}}""", "must be text")]
    [InlineData("""{"table":"incident","fields":{}}""", "at least one field")]
    public async Task Create_RefusesWhatIsNotAllowed_BeforeAnyoneIsAsked(string arguments, string expected)
    {
        var (snow, host, client) = await StartAsync();
        await using var _ = snow;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("snow_create_record", Args(arguments), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains(expected, Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain("confirmation_token", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(snow.Requests, r => r.Method != "GET");
    }

    [Fact]
    public async Task Update_ByNumber_PatchesTheRecordsSysId_AfterConfirmationNamingTheRecord()
    {
        var (snow, host, client) = await StartAsync(new() { ["Confirmation:Disable"] = null });
        await using var _ = snow;
        await using var __ = host;
        Dictionary<string, object?> args = Args("""{"table":"incident","id":"INC0010002","fields":{"state":"In Progress","assignment_group":"Facilities"}}""");

        CallToolResult preview = await client.CallToolAsync("snow_update_record", args, cancellationToken: Ct);
        Assert.Contains("Update ServiceNow incident INC0010002 (Printer jam on floor 3)", Text(preview), StringComparison.Ordinal);
        CallToolResult updated = await client.CallToolAsync("snow_update_record",
            new Dictionary<string, object?>(args) { ["confirmation_token"] = JsonSerializer.SerializeToElement(TokenFrom(preview)) }, cancellationToken: Ct);

        Assert.NotEqual(true, updated.IsError);
        Assert.Single(snow.Requests, r => r.Method == "PATCH" && r.Path == $"/api/now/table/incident/{FakeServiceNow.Printer}");
        Assert.Equal("Facilities", snow.Record("incident", FakeServiceNow.Printer)!["assignment_group"]);
    }

    [Fact]
    public async Task AddWorkNote_OrAComment_LandsInTheJournal_AndTheCommentPreviewSaysTheCallerSeesIt()
    {
        var (snow, host, client) = await StartAsync(new() { ["Confirmation:Disable"] = "snow_add_work_note" });
        await using var _ = snow;
        await using var __ = host;

        CallToolResult note = await client.CallToolAsync("snow_add_work_note", Args("""{"table":"incident","id":"INC0010001","text":"Router replaced.\nMonitoring."}"""), cancellationToken: Ct);
        CallToolResult comment = await client.CallToolAsync("snow_add_work_note", Args("""{"table":"incident","id":"INC0010001","text":"Fixed, please retry.","visibility":"comment"}"""), cancellationToken: Ct);

        Assert.NotEqual(true, note.IsError);
        Assert.Equal("work_note", Structured(note).GetProperty("visibility").GetString());
        Assert.Equal("comment", Structured(comment).GetProperty("visibility").GetString());
        IReadOnlyList<IReadOnlyDictionary<string, string>> journal = snow.Rows("sys_journal_field");
        Assert.Contains(journal, r => r["element"] == "work_notes" && r["value"] == "Router replaced.\nMonitoring.");
        Assert.Contains(journal, r => r["element"] == "comments" && r["value"] == "Fixed, please retry.");

        await using var confirming = new InMemoryMcpServer((s, c) => s.AddTicketingServer(c), SettingsFor(snow));
        McpClient second = await confirming.ConnectAsync(cancellationToken: Ct);
        CallToolResult preview = await second.CallToolAsync("snow_add_work_note", Args("""{"table":"incident","id":"INC0010001","text":"x","visibility":"comment"}"""), cancellationToken: Ct);
        Assert.Contains("visible to the caller (who may be e-mailed)", Text(preview), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fields_AreTheAllowlistIntersectedWithTheTablesDictionary_IncludingItsParents()
    {
        var (snow, host, client) = await StartAsync(new() { ["ServiceNow:Fields:incident"] = "short_description,category,u_not_a_field" });
        await using var _ = snow;
        await using var __ = host;

        CallToolResult search = await client.CallToolAsync("snow_search_records", Args("""{"table":"incident","max_results":1}"""), cancellationToken: Ct);
        CallToolResult unknown = await client.CallToolAsync("snow_search_records",
            Args("""{"table":"incident","filters":[{"field":"u_not_a_field","operator":"is_empty"}]}"""), cancellationToken: Ct);

        Assert.NotEqual(true, search.IsError);
        string asked = Assert.Single(snow.Requests, r => r.Path == "/api/now/table/incident").RawQuery;
        Assert.Contains("sysparm_fields=sys_id%2Cnumber%2Cshort_description%2Ccategory&", asked, StringComparison.Ordinal);
        Assert.True(unknown.IsError);
        Assert.Contains("sys_id, number, short_description, category.", Text(unknown), StringComparison.Ordinal);
        Assert.Contains(snow.Requests, r => r.Path == "/api/now/table/sys_dictionary" && r.RawQuery.Contains("nameIN" + "incident%2Ctask", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutReadAccessToTheDictionary_TheAllowlistAloneApplies()
    {
        var (snow, host, client) = await StartAsync(new() { ["ServiceNow:Fields:incident"] = "short_description,u_not_a_field" });
        await using var _ = snow;
        await using var __ = host;
        snow.ForbiddenTables.Add("sys_dictionary");
        snow.ForbiddenTables.Add("sys_db_object");

        CallToolResult search = await client.CallToolAsync("snow_search_records", Args("""{"table":"incident","max_results":1}"""), cancellationToken: Ct);

        Assert.NotEqual(true, search.IsError);
        Assert.Contains("sysparm_fields=sys_id%2Cnumber%2Cshort_description%2Cu_not_a_field&", Assert.Single(snow.Requests, r => r.Path == "/api/now/table/incident").RawQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongCredentials_NameTheSettingsToFix_WithoutThePassword()
    {
        var (snow, host, client) = await StartAsync(new() { ["ServiceNow:Password"] = "wrong-password-1" });
        await using var _ = snow;
        await using var __ = host;

        CallToolResult result = await client.CallToolAsync("snow_search_records", Args("""{"table":"incident"}"""), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("SERVICENOW_PASSWORD", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password-1", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimited_SaysWhenToTryAgain()
    {
        var (snow, host, client) = await StartAsync();
        await using var _ = snow;
        await using var __ = host;
        snow.RateLimitNext(30);

        CallToolResult result = await client.CallToolAsync("snow_search_records", Args("""{"table":"incident"}"""), cancellationToken: Ct);
        // The refused call was the first look at the table's fields: it is not remembered, the next call asks again.
        CallToolResult again = await client.CallToolAsync("snow_search_records", Args("""{"table":"incident"}"""), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("rate-limiting", Text(result), StringComparison.Ordinal);
        Assert.NotEqual(true, again.IsError);
        Assert.Equal(2, snow.Requests.Count(r => r.Path == "/api/now/table/sys_db_object" && r.RawQuery.Contains("name%3Dincident", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AnAclThatRefusesATable_IsForbidden_NotAnInternalError()
    {
        var (snow, host, client) = await StartAsync();
        await using var _ = snow;
        await using var __ = host;
        snow.ForbiddenTables.Add("change_request");

        CallToolResult result = await client.CallToolAsync("snow_search_records", Args("""{"table":"change_request"}"""), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("ACLs", Text(result), StringComparison.Ordinal);
    }

    private static string TokenFrom(CallToolResult preview) => TicketingToolTests.TokenFrom(preview);
}

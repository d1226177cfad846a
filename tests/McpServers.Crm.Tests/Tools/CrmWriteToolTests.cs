using System.Text.Json;
using System.Text.RegularExpressions;
using McpServers.Crm.Backend;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using static McpServers.Crm.Tests.Tools.CrmToolHost;

namespace McpServers.Crm.Tests.Tools;

/// <summary>The write tools: hidden and refused in read-only mode, previews checked by the gateway, tokens bound to the arguments.</summary>
public sealed partial class CrmWriteToolTests
{
    private static readonly string[] WriteTools = ["crm_log_activity", "crm_create_record", "crm_update_record"];

    private static readonly Dictionary<string, string?> AllowWrites = new() { ["Policy:ReadOnly"] = "false" };

    private static string Token(CallToolResult preview) => TokenPattern().Match(Text(preview)).Groups[1].Value;

    [Fact]
    public async Task ReadOnlyByDefault_WriteToolsAreHidden_AndRefusedWhenCalledAnyway()
    {
        await using CrmToolHost crm = await StartAsync();

        IList<McpClientTool> tools = await crm.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        CallToolResult refused = await crm.CallAsync("crm_create_record", """{"object_type":"contact","fields":{"LastName":"Ng"}}""");

        Assert.Equal(7, tools.Count);
        Assert.DoesNotContain(tools, t => WriteTools.Contains(t.Name));
        Assert.True(refused.IsError);
        Assert.Contains("--allow-writes", Text(refused), StringComparison.Ordinal);
        Assert.Empty(crm.Gateway.Received);
        Assert.Empty(crm.Gateway.Written);
    }

    [Fact]
    public async Task CreatePreview_ShowsTheFieldsAsTheGatewayCheckedThem_AndWritesNothing()
    {
        await using CrmToolHost crm = await StartAsync(AllowWrites);

        CallToolResult preview = await crm.CallAsync("crm_create_record", """{"object_type":"opportunity","fields":{"StageName":"Prospecting","Amount":5000}}""");

        Assert.True(preview.IsError);
        string text = Text(preview);
        Assert.Contains("Create a new opportunity in Salesforce as the signed-in user, with:", text, StringComparison.Ordinal);
        Assert.Contains("- StageName label (StageName): Prospecting", text, StringComparison.Ordinal);
        Assert.Contains("- Amount label (Amount): 5000", text, StringComparison.Ordinal);
        Assert.Equal(CrmObjectKind.Opportunity, crm.Gateway.Last<CrmObjectKind>());
        Assert.Empty(crm.Gateway.Written);
    }

    [Fact]
    public async Task Confirmation_TheSameArgumentsWithTheToken_Write_AChangedArgumentDoesNot()
    {
        await using CrmToolHost crm = await StartAsync(AllowWrites);
        const string Arguments = """{"object_type":"opportunity","record_id":"006O","fields":{"StageName":"Closed Won"}}""";

        string token = Token(await crm.CallAsync("crm_update_record", Arguments));
        CallToolResult changed = await crm.CallAsync("crm_update_record",
            $$"""{"object_type":"opportunity","record_id":"006X","fields":{"StageName":"Closed Won"},"confirmation_token":"{{token}}"}""");
        string token2 = Token(await crm.CallAsync("crm_update_record", Arguments));
        CallToolResult changedField = await crm.CallAsync("crm_update_record",
            $$"""{"object_type":"opportunity","record_id":"006O","fields":{"StageName":"Closed Lost"},"confirmation_token":"{{token2}}"}""");
        string token3 = Token(await crm.CallAsync("crm_update_record", Arguments));
        CallToolResult done = await crm.CallAsync("crm_update_record", Arguments[..^1] + $$""","confirmation_token":"{{token3}}"}""");

        Assert.True(changed.IsError);
        Assert.True(changedField.IsError);
        Assert.Contains("not valid for this call", Text(changed), StringComparison.Ordinal);
        Assert.True(done.IsError is null or false, Text(done));
        JsonElement written = Assert.Single(crm.Gateway.Written)["StageName"];
        Assert.Equal("Closed Won", written.GetString());
        Assert.Equal("006O", crm.Gateway.Received.OfType<string>().Last());
        Assert.Contains("Updated StageName of opportunity 006O in Salesforce.", Text(done), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFieldTheGatewayRefuses_IsRefusedBeforeThePreview_WithTheGatewaysWords()
    {
        await using CrmToolHost crm = await StartAsync(AllowWrites);

        CallToolResult result = await crm.CallAsync("crm_update_record", """{"object_type":"opportunity","record_id":"006O","fields":{"OwnerId":"005X"}}""");

        Assert.True(result.IsError);
        Assert.Contains("OwnerId is not writable. Writable fields: StageName, NextStep, CloseDate.", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain("confirmation_token", Text(result), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"object_type":"contact","fields":{}}""", "`fields` must name at least one field")]
    [InlineData("""{"object_type":"contact","fields":{"Last Name":"x"}}""", "'Last Name' is not a field API name")]
    [InlineData("""{"object_type":"contact","fields":{"__c":"x"}}""", "is not a field API name")]
    public async Task FieldsThatAreNoFieldNames_AreInstructions(string arguments, string expected)
    {
        await using CrmToolHost crm = await StartAsync(AllowWrites);

        CallToolResult result = await crm.CallAsync("crm_create_record", arguments);

        Assert.True(result.IsError);
        Assert.Contains(expected, Text(result), StringComparison.Ordinal);
        Assert.Empty(crm.Gateway.Received);
    }

    [Fact]
    public async Task LogActivity_PreviewSaysWhatWhereAndWhen_OnOneLineEach_ThenLogsWithTheToken()
    {
        await using CrmToolHost crm = await StartAsync(AllowWrites);
        const string Arguments = """{"kind":"call","record_id":"001A","subject":"Renewal call","body":"Agreed on\n- assignee: me","when":"2026-05-19T10:00:00+02:00","duration_minutes":30}""";

        CallToolResult preview = await crm.CallAsync("crm_log_activity", Arguments);
        CallToolResult done = await crm.CallAsync("crm_log_activity", Arguments[..^1] + $$""","confirmation_token":"{{Token(preview)}}"}""");

        string text = Text(preview);
        Assert.Contains("Log a call in Salesforce as the signed-in user:\n- on record: 001A\n- subject: Renewal call\n- when: 2026-05-19T10:00:00+02:00\n- duration: 30 minutes\n- notes: Agreed on\\n- assignee: me", text, StringComparison.Ordinal);
        Assert.True(done.IsError is null or false, Text(done));
        NewActivity activity = crm.Gateway.Last<NewActivity>();
        Assert.Equal(new NewActivity(ActivityKind.Call, "001A", "Renewal call", "Agreed on\n- assignee: me",
            new DateTimeOffset(2026, 5, 19, 10, 0, 0, TimeSpan.FromHours(2)), 30), activity);
        Assert.Contains("Logged call 00TNEW on 001A in Salesforce.", Text(done), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogActivity_ASubjectOfOnlyInvisibleCharacters_IsRefused()
    {
        await using CrmToolHost crm = await StartAsync(AllowWrites);

        CallToolResult result = await crm.CallAsync("crm_log_activity", """{"kind":"task","record_id":"001A","subject":"\u200b\u202e"}""");

        Assert.True(result.IsError);
        Assert.Contains("`subject` must be one line with visible text", Text(result), StringComparison.Ordinal);
    }

    [GeneratedRegex("\"confirmation_token\": \"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

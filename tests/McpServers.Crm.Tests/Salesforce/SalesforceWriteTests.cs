using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Crm.Backend;
using McpServers.Crm.Tests.Fakes;
using McpServers.Shared.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.Salesforce;

/// <summary>Writes: the write allowlist and describe (permissions, type, length, picklists) before anything is sent.</summary>
public sealed class SalesforceWriteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, JsonElement> Fields(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    [Fact]
    public async Task CheckWrite_ReturnsTheValuesAsTheyWillBeSentWithLabels_AndSendsNothing()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        IReadOnlyList<FieldValue> values = await services.Gateway().CheckWriteAsync(CrmObjectKind.Opportunity,
            Fields("""{"StageName":"Negotiation","nextstep":"Send contract","CloseDate":"2026-12-31","Amount":125000.50}"""), Ct);

        Assert.Equal(
            [
                new FieldValue("StageName", "Stage", "Negotiation"),
                new FieldValue("NextStep", "Next Step", "Send contract"),
                new FieldValue("CloseDate", "Close Date", "2026-12-31"),
                new FieldValue("Amount", "Amount", "125000.50"),
            ],
            values);
        Assert.Empty(fake.Writes);
    }

    [Fact]
    public async Task CheckWrite_PicklistValueNotInDescribe_ListsTheValidValues()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        ToolInputException e = await Assert.ThrowsAsync<ToolInputException>(() =>
            services.Gateway().CheckWriteAsync(CrmObjectKind.Opportunity, Fields("""{"StageName":"Won"}"""), Ct));

        Assert.Equal("StageName must be one of: Prospecting, Qualification, Negotiation, Closed Won, Closed Lost.", e.Message);
    }

    [Theory]
    [InlineData("""{"Name":"Renamed"}""", "may not be written on this server. Writable fields: Amount, CloseDate, NextStep, StageName")]
    [InlineData("""{"Amount":"1000"}""", "Amount is a number")]
    [InlineData("""{"CloseDate":"31/12/2026"}""", "CloseDate is a date: give it as YYYY-MM-DD")]
    [InlineData("""{"NextStep":"line one\nline two"}""", "NextStep must not contain line breaks")]
    [InlineData("""{"StageName":null}""", "StageName is required")]
    [InlineData("""{}""", "at least one field")]
    public async Task CheckWrite_RefusesWhatSalesforceWouldRefuse(string json, string says)
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        ToolInputException e = await Assert.ThrowsAsync<ToolInputException>(() =>
            services.Gateway().CheckWriteAsync(CrmObjectKind.Opportunity, Fields(json), Ct));

        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckWrite_TextLongerThanTheField_IsRefusedWithTheLimit()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        var fields = new Dictionary<string, JsonElement> { ["NextStep"] = JsonSerializer.SerializeToElement(new string('x', 256)) };

        ToolInputException e = await Assert.ThrowsAsync<ToolInputException>(() => services.Gateway().CheckWriteAsync(CrmObjectKind.Opportunity, fields, Ct));

        Assert.Contains("at most 255 characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckWrite_AllowlistedFieldTheUserCannotWrite_IsRefused()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake,
            new Dictionary<string, string?> { ["Salesforce:ContactWriteFields"] = "LastName,Name" });

        ToolInputException e = await Assert.ThrowsAsync<ToolInputException>(() =>
            services.Gateway().CheckWriteAsync(CrmObjectKind.Contact, Fields("""{"Name":"Jane Q. Roe"}"""), Ct));

        Assert.Contains("Name cannot be", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateRecord_PostsTheCheckedFieldsAndReturnsTheNewId()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        RecordWritten written = await services.Gateway().CreateRecordAsync(CrmObjectKind.Contact,
            Fields($$"""{"LastName":"O'Neil","email":"o.neil@acme.example","AccountId":"{{FakeSalesforce.AcmeId}}"}"""), Ct);

        Testing.Http.RecordedRequest post = Assert.Single(fake.Writes);
        Assert.Equal(("POST", $"/services/data/{FakeSalesforce.ApiVersion}/sobjects/Contact/"), (post.Method, post.Path));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"LastName":"O'Neil","Email":"o.neil@acme.example","AccountId":"{{FakeSalesforce.AcmeId}}"}"""),
            JsonNode.Parse(post.Body)), post.Body);
        Assert.Equal("Contact", written.ObjectName);
        Assert.StartsWith("003", written.Id, StringComparison.Ordinal);
        Assert.Equal(new Uri(fake.BaseUrl, $"lightning/r/Contact/{written.Id}/view").ToString(), written.Url);
        RecordPage<ContactSummary> found = await services.Gateway().SearchContactsAsync(new ContactFilter { Email = "o.neil@acme.example" }, new PageRequest(5, null), Ct);
        Assert.Equal(written.Id, Assert.Single(found.Records).Id);
    }

    [Fact]
    public async Task UpdateRecord_PatchesOnlyTheGivenFields()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        RecordWritten written = await services.Gateway().UpdateRecordAsync(CrmObjectKind.Opportunity, FakeSalesforce.AcmeRenewalId,
            Fields("""{"NextStep":"Send contract","Amount":110000}"""), Ct);

        Testing.Http.RecordedRequest patch = Assert.Single(fake.Writes);
        Assert.Equal(("PATCH", $"/services/data/{FakeSalesforce.ApiVersion}/sobjects/Opportunity/{FakeSalesforce.AcmeRenewalId}"), (patch.Method, patch.Path));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"NextStep":"Send contract","Amount":110000}"""), JsonNode.Parse(patch.Body)), patch.Body);
        Assert.Equal(FakeSalesforce.AcmeRenewalId, written.Id);
    }

    [Fact]
    public async Task UpdateRecord_RecordOutsideTheUsersSharing_IsNotFound()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake,
            new Dictionary<string, string?> { ["Salesforce:AccountWriteFields"] = "Phone" });

        BackendException e = await Assert.ThrowsAsync<BackendException>(() => services.Gateway().UpdateRecordAsync(CrmObjectKind.Account,
            FakeSalesforce.HiddenAccountId, Fields("""{"Phone":"+1 555 0100"}"""), Ct));

        Assert.Equal(BackendErrorKind.NotFound, e.Kind);
        Assert.Contains("not visible to you", e.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateRecord_ValidationRule_IsShownToTheModelCleaned()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        ToolInputException e = await Assert.ThrowsAsync<ToolInputException>(() => services.Gateway().UpdateRecordAsync(CrmObjectKind.Opportunity,
            FakeSalesforce.AcmeRenewalId, Fields("""{"NextStep":"fail validation"}"""), Ct));

        Assert.Equal("Salesforce rejected the values: Next step must say who does what by when (fields: NextStep) Change the values and try again.", e.Message);
    }

    [Fact]
    public async Task UpdateRecord_WithoutWriteAccess_IsForbidden()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        fake.FailNext(400, "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id", pathContains: "/sobjects/Opportunity/0");

        BackendException e = await Assert.ThrowsAsync<BackendException>(() => services.Gateway().UpdateRecordAsync(CrmObjectKind.Opportunity,
            FakeSalesforce.AcmeRenewalId, Fields("""{"NextStep":"x"}"""), Ct));

        Assert.Equal(BackendErrorKind.Forbidden, e.Kind);
    }

    [Fact]
    public async Task UpdateRecord_MalformedId_IsAnInputErrorBeforeAnyWrite()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        await Assert.ThrowsAsync<ToolInputException>(() => services.Gateway().UpdateRecordAsync(CrmObjectKind.Opportunity,
            "006/../../sobjects/User/005", Fields("""{"NextStep":"x"}"""), Ct));

        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task LogActivity_Call_CreatesACompletedCallTaskOwnedByTheSignedInUser()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        RecordWritten written = await services.Gateway().LogActivityAsync(new NewActivity(ActivityKind.Call, FakeSalesforce.AcmeId,
            "Renewal call", "Discussed the renewal", new DateTimeOffset(2026, 11, 30, 15, 0, 0, TimeSpan.Zero), 20), Ct);

        Testing.Http.RecordedRequest post = Assert.Single(fake.Writes);
        Assert.Equal($"/services/data/{FakeSalesforce.ApiVersion}/sobjects/Task/", post.Path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            {"Subject":"Renewal call","OwnerId":"{{FakeSalesforce.MyUserId}}","WhatId":"{{FakeSalesforce.AcmeId}}","Description":"Discussed the renewal",
             "TaskSubtype":"Call","Status":"Completed","ActivityDate":"2026-11-30","CallDurationInSeconds":1200}
            """), JsonNode.Parse(post.Body)), post.Body);
        Assert.Equal("Task", written.ObjectName);
        RecordPage<ActivityInfo> calls = await services.Gateway().ListActivitiesAsync(FakeSalesforce.AcmeId, new ActivityFilter([ActivityKind.Call]), new PageRequest(5, null), Ct);
        Assert.Equal(written.Id, calls.Records[0].Id);
    }

    [Fact]
    public async Task LogActivity_MeetingWithAContact_CreatesAnEventOnWhoId()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        await services.Gateway().LogActivityAsync(new NewActivity(ActivityKind.Meeting, FakeSalesforce.JaneId, "Kick-off", null,
            new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.FromHours(1)), 45), Ct);

        Testing.Http.RecordedRequest post = Assert.Single(fake.Writes);
        Assert.Equal($"/services/data/{FakeSalesforce.ApiVersion}/sobjects/Event/", post.Path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            {"Subject":"Kick-off","OwnerId":"{{FakeSalesforce.MyUserId}}","WhoId":"{{FakeSalesforce.JaneId}}","StartDateTime":"2026-12-02T09:00:00Z","DurationInMinutes":45}
            """), JsonNode.Parse(post.Body)), post.Body);
    }

    [Theory]
    [InlineData("Subject\nwith a break")]
    [InlineData("   ")]
    public async Task LogActivity_SubjectNotOneLine_IsAnInputError(string subject)
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        await Assert.ThrowsAsync<ToolInputException>(() => services.Gateway().LogActivityAsync(
            new NewActivity(ActivityKind.Note, FakeSalesforce.AcmeId, subject, null, null, null), Ct));

        Assert.Empty(fake.Writes);
    }
}

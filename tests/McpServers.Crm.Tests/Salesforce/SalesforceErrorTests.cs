using McpServers.Crm.Backend;
using McpServers.Crm.Tests.Fakes;
using McpServers.Shared.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.Salesforce;

/// <summary>Salesforce's error array mapped to the shared kinds, and the API usage limit read from every response.</summary>
public sealed class SalesforceErrorTests
{
    private static readonly PageRequest FirstPage = new(25, null);
    private static readonly DateRange Q4 = new(new DateOnly(2026, 10, 1), new DateOnly(2027, 1, 1));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(403, "REQUEST_LIMIT_EXCEEDED", BackendErrorKind.RateLimited, "API request limit")]
    [InlineData(400, "INSUFFICIENT_ACCESS_OR_READONLY", BackendErrorKind.Forbidden, "does not let the signed-in user")]
    [InlineData(403, "INSUFFICIENT_ACCESS_OR_READONLY", BackendErrorKind.Forbidden, "does not let the signed-in user")]
    [InlineData(404, "NOT_FOUND", BackendErrorKind.NotFound, "not found or is not visible to you")]
    [InlineData(400, "INVALID_ID", BackendErrorKind.NotFound, "not found or is not visible to you")]
    [InlineData(503, "SERVER_UNAVAILABLE", BackendErrorKind.Unavailable, "unavailable")]
    public async Task ErrorCodes_MapToTheSharedKindsWithSafeMessages(int status, string code, BackendErrorKind kind, string says)
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        await services.Gateway().FiscalYearStartMonthAsync(Ct); // the organization query is read once; the fault is for the search
        fake.FailNext(status, code, "internal detail from na1-host.internal.salesforce.example", pathContains: "/query");

        BackendException e = await Assert.ThrowsAsync<BackendException>(() =>
            services.Gateway().SearchAccountsAsync(new AccountFilter(), FirstPage, Ct));

        Assert.Equal(kind, e.Kind);
        Assert.Contains(says, e.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("internal", e.SafeMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MALFORMED_QUERY")]
    [InlineData("INVALID_FIELD")]
    public async Task QueryRefusedAsMalformed_IsABugHereNotAnInputOrBackendError(string code)
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        await services.Gateway().FiscalYearStartMonthAsync(Ct);
        fake.FailNext(400, code, "unexpected token: 'secret detail'", pathContains: "/query");

        Exception e = await Assert.ThrowsAnyAsync<Exception>(() => services.Gateway().SearchAccountsAsync(new AccountFilter(), FirstPage, Ct));

        Assert.IsNotType<ToolInputException>(e);
        Assert.IsNotType<BackendException>(e);
        Assert.DoesNotContain("secret detail", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidSession_IsUnauthorizedNamingLogin()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        fake.RejectSession = true;
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        BackendException e = await Assert.ThrowsAsync<BackendException>(() => services.Gateway().DescribeObjectAsync(CrmObjectKind.Account, Ct));

        Assert.Equal(BackendErrorKind.Unauthorized, e.Kind);
        Assert.Contains("mcp-crm login", e.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_IsReadFromEveryResponse()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        ICrmGateway gateway = services.Gateway();
        Assert.Null(gateway.Usage);

        fake.UsageUsed = 12_000;
        await gateway.DescribeObjectAsync(CrmObjectKind.Account, Ct);
        Assert.Equal(new ApiUsage(12_000, 15_000), gateway.Usage);

        fake.UsageUsed = 12_345;
        fake.FailNext(404, "NOT_FOUND", "gone", pathContains: "/describe");
        await Assert.ThrowsAsync<BackendException>(() => gateway.DescribeObjectAsync(CrmObjectKind.Contact, Ct));
        Assert.Equal(new ApiUsage(12_345, 15_000), gateway.Usage);
    }

    [Fact]
    public async Task PastTheHardShare_SearchesRankingsAndWritesAreRefusedButSingleRecordReadsWork()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        fake.UsageUsed = 14_500; // 96.7 % of 15,000; refusal at 95 %
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        ICrmGateway gateway = services.Gateway();
        await gateway.DescribeObjectAsync(CrmObjectKind.Account, Ct);
        int before = fake.Requests.Count;

        BackendException search = await Assert.ThrowsAsync<BackendException>(() => gateway.SearchAccountsAsync(new AccountFilter(), FirstPage, Ct));
        await Assert.ThrowsAsync<BackendException>(() => gateway.SearchContactsAsync(new ContactFilter(), FirstPage, Ct));
        await Assert.ThrowsAsync<BackendException>(() => gateway.SearchOpportunitiesAsync(new OpportunityFilter(), FirstPage, Ct));
        await Assert.ThrowsAsync<BackendException>(() => gateway.TopAccountsAsync(new RankingRequest(RankBy.Won, Q4, null, 5), Ct));
        await Assert.ThrowsAsync<BackendException>(() => gateway.ListActivitiesAsync(FakeSalesforce.AcmeId, new ActivityFilter([]), FirstPage, Ct));
        await Assert.ThrowsAsync<BackendException>(() => gateway.LogActivityAsync(
            new NewActivity(ActivityKind.Call, FakeSalesforce.AcmeId, "Renewal", null, null, null), Ct));
        await Assert.ThrowsAsync<BackendException>(() => gateway.UpdateRecordAsync(CrmObjectKind.Opportunity, FakeSalesforce.AcmeRenewalId,
            new Dictionary<string, System.Text.Json.JsonElement> { ["NextStep"] = System.Text.Json.JsonDocument.Parse("\"x\"").RootElement }, Ct));

        Assert.Equal(BackendErrorKind.RateLimited, search.Kind);
        Assert.Contains("crm_get_account", search.SafeMessage, StringComparison.Ordinal);
        Assert.Contains("14500 of its 15000", search.SafeMessage, StringComparison.Ordinal);
        Assert.Equal(before, fake.Requests.Count);

        AccountDetail acme = await gateway.GetAccountAsync(FakeSalesforce.AcmeId, new AccountDetailRequest([], 1, 1, 1), Ct);
        Assert.Equal("Acme Corp", acme.Account.Name);
        Assert.NotEmpty((await gateway.DescribeObjectAsync(CrmObjectKind.Opportunity, Ct)).Fields);
    }

    [Fact]
    public async Task BelowTheHardShare_SearchesRun()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        fake.UsageUsed = 14_000; // 93 %: a warning for the tools, not a refusal
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        ICrmGateway gateway = services.Gateway();

        await gateway.SearchAccountsAsync(new AccountFilter(), FirstPage, Ct);
        RecordPage<AccountSummary> again = await gateway.SearchAccountsAsync(new AccountFilter(), FirstPage, Ct);

        Assert.Equal(4, again.Records.Count);
    }
}

using McpServers.Crm.Backend;
using McpServers.Crm.Tests.Fakes;
using McpServers.Shared.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.Salesforce;

/// <summary>The Salesforce gateway through the server's registration, against the fake org.</summary>
public sealed class SalesforceGatewayTests
{
    private static readonly PageRequest FirstPage = new(25, null);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SearchAccounts_ByIndustryAndOwnerMe_SendsOneSoqlOnAllowedFieldsAndMapsTheRecords()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        RecordPage<AccountSummary> page = await services.Gateway().SearchAccountsAsync(
            new AccountFilter { Industries = ["Technology"], Owner = "me" }, FirstPage, Ct);

        Assert.Equal(["Acme Corp", "Initech"], page.Records.Select(a => a.Name));
        string soql = Assert.Single(fake.Queries, q => q.Contains("FROM Account", StringComparison.Ordinal));
        Assert.Equal(
            $"SELECT Id, Name, Industry, Type, BillingCountry, AnnualRevenue, OwnerId, Owner.Name FROM Account WHERE Industry IN ('Technology') AND OwnerId = '{FakeSalesforce.MyUserId}' ORDER BY Name ASC NULLS LAST",
            soql);
        Assert.Equal(soql, page.Query);
        AccountSummary acme = page.Records[0];
        Assert.Equal(FakeSalesforce.AcmeId, acme.Id);
        Assert.Equal(new Money(5_000_000m, "USD"), acme.AnnualRevenue);
        Assert.Equal("Jane Rep", acme.Owner);
        Assert.Equal("US", acme.Country);
        Assert.Equal(new Uri(fake.BaseUrl, $"lightning/r/Account/{FakeSalesforce.AcmeId}/view").ToString(), acme.Url);
        Assert.Equal(2, page.Total);
        Assert.Null(page.NextCursor);
        Assert.All(fake.Requests, r => Assert.Equal("Bearer " + FakeSalesforce.AccessToken, r.Header("Authorization")));
    }

    [Fact]
    public async Task SearchAccounts_RecordOutsideTheUsersSharing_IsNotReturned()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        RecordPage<AccountSummary> page = await services.Gateway().SearchAccountsAsync(new AccountFilter { Industries = ["Banking"] }, FirstPage, Ct);

        AccountSummary only = Assert.Single(page.Records);
        Assert.Equal(FakeSalesforce.QuotesName, only.Name);
    }

    [Fact]
    public async Task DescribeObject_IsTheUsersDescribeIntersectedWithTheAllowlist()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        ObjectDescription account = await services.Gateway().DescribeObjectAsync(CrmObjectKind.Account, Ct);

        string[] names = [.. account.Fields.Select(f => f.Name)];
        Assert.Contains("Industry", names);
        Assert.DoesNotContain("Secret__c", names); // in describe, not on the allowlist
        Assert.DoesNotContain("Website", names); // on the allowlist, hidden from the user (not in describe)
        Assert.DoesNotContain("Description", names);
        Assert.Equal(["Banking", "Healthcare", "Manufacturing", "Technology"], account.Fields.Single(f => f.Name == "Industry").Values);
        Assert.All(account.Fields, f => Assert.False(f.Writable)); // no account write allowlist by default
        Assert.Equal("Account", account.ApiName);

        ObjectDescription opportunity = await services.Gateway().DescribeObjectAsync(CrmObjectKind.Opportunity, Ct);
        Assert.True(opportunity.Fields.Single(f => f.Name == "StageName").Writable);
        Assert.False(opportunity.Fields.Single(f => f.Name == "IsWon").Writable);
        Assert.Single(fake.Requests, r => r.Path.EndsWith("/sobjects/Account/describe", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Describe_IsCachedPerObject()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        ICrmGateway gateway = services.Gateway();

        await gateway.SearchAccountsAsync(new AccountFilter(), FirstPage, Ct);
        await gateway.SearchAccountsAsync(new AccountFilter { NameContains = "Acme" }, FirstPage, Ct);
        await gateway.DescribeObjectAsync(CrmObjectKind.Account, Ct);

        Assert.Single(fake.Requests, r => r.Path == $"/services/data/{FakeSalesforce.ApiVersion}/sobjects/Account/describe");
    }

    [Fact]
    public async Task SearchAccounts_FilterOnAFieldOffTheAllowlist_IsAnInputErrorAndSendsNoQuery()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake,
            new Dictionary<string, string?> { ["Salesforce:AccountFields"] = "Id,Name,Type" });

        ToolInputException e = await Assert.ThrowsAsync<ToolInputException>(() =>
            services.Gateway().SearchAccountsAsync(new AccountFilter { Industries = ["Banking"] }, FirstPage, Ct));

        Assert.Contains("Industry", e.Message, StringComparison.Ordinal);
        Assert.Contains("Allowed fields: Id, Name, Type", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(fake.Queries, q => q.Contains("FROM Account", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SearchContacts_ObjectOffTheAllowlist_IsAnInputErrorWithoutADescribe()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake,
            new Dictionary<string, string?> { ["Salesforce:Objects"] = "Account,Opportunity" });

        ToolInputException e = await Assert.ThrowsAsync<ToolInputException>(() =>
            services.Gateway().SearchContactsAsync(new ContactFilter { NameContains = "Jane" }, FirstPage, Ct));

        Assert.Contains("Contact records are not available", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(fake.Requests, r => r.Path.Contains("Contact", StringComparison.Ordinal));
    }
}

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
    public async Task Describe_WithoutAFieldList_IsUnavailableAndNotCached()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        fake.DescribeOverrides["Account"] = """{"name":"Account","label":"Account"}""";
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        ICrmGateway gateway = services.Gateway();

        BackendException e = await Assert.ThrowsAsync<BackendException>(() => gateway.DescribeObjectAsync(CrmObjectKind.Account, Ct));
        ObjectDescription again = await gateway.DescribeObjectAsync(CrmObjectKind.Account, Ct);

        Assert.Equal(BackendErrorKind.Unavailable, e.Kind);
        Assert.Contains(again.Fields, f => f.Name == "Industry");
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

    [Theory]
    [InlineData(@"O'Brien \ Sons 100%_", true)]
    [InlineData("100%", true)] // % is a literal, not a wildcard
    [InlineData("s_L", false)] // _ is a literal, not "any character"
    [InlineData("%", true)]
    [InlineData("' OR Name != '", false)]
    [InlineData(@"\' OR Name != \'", false)]
    [InlineData("o‘brien", false)] // a unicode quote is data, not a delimiter
    public async Task SearchAccounts_NameContainsMetacharacters_MatchesThemLiterally(string text, bool findsTheQuotesAccount)
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        RecordPage<AccountSummary> page = await services.Gateway().SearchAccountsAsync(new AccountFilter { NameContains = text }, FirstPage, Ct);

        Assert.Equal(findsTheQuotesAccount ? [FakeSalesforce.QuotesId] : [], page.Records.Select(a => a.Id));
    }

    [Theory]
    [InlineData("' OR Name != '")]
    [InlineData(@"US\' OR BillingCountry != \'")]
    [InlineData("U_")]
    public async Task SearchAccounts_InjectionInEqualityAndInValues_MatchesNothing(string text)
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        ICrmGateway gateway = services.Gateway();

        Assert.Empty((await gateway.SearchAccountsAsync(new AccountFilter { Country = text }, FirstPage, Ct)).Records);
        Assert.Empty((await gateway.SearchAccountsAsync(new AccountFilter { Types = [text] }, FirstPage, Ct)).Records);
        Assert.Empty((await gateway.SearchContactsAsync(new ContactFilter { Email = text }, FirstPage, Ct)).Records);
        Assert.Empty((await gateway.SearchOpportunitiesAsync(new OpportunityFilter { Stages = [text] }, FirstPage, Ct)).Records);
    }

    [Fact]
    public async Task SearchAccounts_ValueWithALineBreak_IsRefusedBeforeAnyQuery()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        await Assert.ThrowsAsync<ToolInputException>(() =>
            services.Gateway().SearchAccountsAsync(new AccountFilter { NameContains = "Acme\nOR Name != ''" }, FirstPage, Ct));

        Assert.DoesNotContain(fake.Queries, q => q.Contains("FROM Account", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SearchAccounts_FollowingCursors_ReturnsEveryRecordOnceAcrossBatches()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        fake.BatchSize = 2;
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        ICrmGateway gateway = services.Gateway();
        var names = new List<string>();
        string? cursor = null;
        int pages = 0;
        do
        {
            RecordPage<AccountSummary> page = await gateway.SearchAccountsAsync(new AccountFilter(), new PageRequest(1, cursor), Ct);
            Assert.Equal(4, page.Total);
            names.AddRange(page.Records.Select(a => a.Name));
            cursor = page.NextCursor;
        }
        while (cursor is not null && ++pages < 10);

        Assert.Equal(["Acme Corp", "Globex", "Initech", FakeSalesforce.QuotesName], names);
        Assert.Equal(2, fake.Requests.Count(r => r.Path.StartsWith($"/services/data/{FakeSalesforce.ApiVersion}/query/01gFk", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SearchAccounts_CursorFromAnotherSearch_IsAnInputError()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        fake.BatchSize = 2;
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        ICrmGateway gateway = services.Gateway();
        RecordPage<AccountSummary> first = await gateway.SearchAccountsAsync(new AccountFilter(), new PageRequest(1, null), Ct);
        Assert.NotNull(first.NextCursor);

        ToolInputException e = await Assert.ThrowsAsync<ToolInputException>(() =>
            gateway.SearchAccountsAsync(new AccountFilter { Industries = ["Banking"] }, new PageRequest(1, first.NextCursor), Ct));
        Assert.Contains("cursor", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ToolInputException>(() =>
            gateway.SearchContactsAsync(new ContactFilter(), new PageRequest(1, first.NextCursor), Ct));
    }

    [Theory]
    [InlineData("https://attacker.example/services/data/v62.0/query/01gX-2")]
    [InlineData("//attacker.example/services/data/v62.0/query/01gX-2")]
    [InlineData("/services/oauth2/revoke")]
    [InlineData("/services/data/v62.0/../../oauth2/userinfo")]
    [InlineData("/services/data/v62.0/query/01gX-2?q=SELECT+Secret__c+FROM+Account")]
    public async Task SearchAccounts_NextRecordsUrlOutsideTheInstanceDataApi_IsNotFollowed(string nextRecordsUrl)
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        fake.BatchSize = 2;
        fake.NextRecordsUrlOverride = nextRecordsUrl;
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        RecordPage<AccountSummary> page = await services.Gateway().SearchAccountsAsync(new AccountFilter(), new PageRequest(2, null), Ct);

        Assert.Equal(2, page.Records.Count);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task SearchContacts_ByAccountAndTitle_QueriesContactsWithTheirAccountName()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        RecordPage<ContactSummary> page = await services.Gateway().SearchContactsAsync(
            new ContactFilter { AccountId = FakeSalesforce.AcmeId, TitleContains = "cto" }, FirstPage, Ct);

        ContactSummary jane = Assert.Single(page.Records);
        Assert.Equal(("Jane Roe", "jane@acme.example", "Acme Corp", FakeSalesforce.AcmeId), (jane.Name, jane.Email, jane.AccountName, jane.AccountId));
        Assert.Equal(
            $"SELECT Id, Name, Title, Email, Phone, AccountId, Account.Name, OwnerId, Owner.Name FROM Contact WHERE AccountId = '{FakeSalesforce.AcmeId}' AND Title LIKE '%cto%' ORDER BY Name ASC NULLS LAST",
            page.Query);
    }

    [Fact]
    public async Task SearchContacts_MalformedAccountId_IsAnInputErrorNamingTheParameter()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        ToolInputException e = await Assert.ThrowsAsync<ToolInputException>(() =>
            services.Gateway().SearchContactsAsync(new ContactFilter { AccountId = "001' OR Id != '" }, FirstPage, Ct));

        Assert.Contains("`account_id`", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OpportunityStatus.Won, "IsWon = true", new[] { "Acme expansion", "Acme renewal", "Acme 2025 deal" })]
    [InlineData(OpportunityStatus.Open, "IsClosed = false", new[] { "Acme services" })]
    public async Task SearchOpportunities_ByStatusAndAccount_MapsStatusAmountAndCloseDate(OpportunityStatus status, string condition, string[] names)
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        RecordPage<OpportunitySummary> page = await services.Gateway().SearchOpportunitiesAsync(
            new OpportunityFilter { Status = status, AccountId = FakeSalesforce.AcmeId }, FirstPage, Ct);

        Assert.Equal(names, page.Records.Select(o => o.Name));
        Assert.Contains(condition, page.Query, StringComparison.Ordinal);
        Assert.All(page.Records, o => Assert.Equal(status.ToString().ToLowerInvariant(), o.Status));
        Assert.All(page.Records, o => Assert.Equal("USD", o.Amount!.Currency));
    }

    [Fact]
    public async Task SearchOpportunities_CloseDateAndAmountRanges_AreTypedLiterals()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        RecordPage<OpportunitySummary> page = await services.Gateway().SearchOpportunitiesAsync(new OpportunityFilter
        {
            CloseDate = new DateRange(new DateOnly(2026, 10, 1), new DateOnly(2027, 1, 1)),
            Amount = new AmountRange(60_000m, 150_000m),
            Stages = ["Closed Won", "Negotiation"],
        }, FirstPage, Ct);

        Assert.Equal(["Acme services", "Acme renewal", "Globex platform"], page.Records.Select(o => o.Name));
        Assert.Contains("WHERE StageName IN ('Closed Won', 'Negotiation') AND CloseDate >= 2026-10-01 AND CloseDate < 2027-01-01 AND Amount >= 60000 AND Amount <= 150000",
            page.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MultiCurrencyOrg_AmountsCarryTheRecordsCurrency()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        fake.MultiCurrency = true;
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        RecordPage<OpportunitySummary> page = await services.Gateway().SearchOpportunitiesAsync(
            new OpportunityFilter { AccountId = FakeSalesforce.GlobexId, Status = OpportunityStatus.Won }, FirstPage, Ct);

        Assert.Equal(new Money(120_000m, "EUR"), Assert.Single(page.Records).Amount);
        Assert.Contains("CurrencyIsoCode", page.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccount_ReturnsFieldsContactsOpenOpportunitiesAndActivitiesNewestFirst()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        AccountDetail detail = await services.Gateway().GetAccountAsync(FakeSalesforce.AcmeId,
            new AccountDetailRequest(["numberofemployees", "BillingCity"], Contacts: 5, OpenOpportunities: 5, Activities: 5), Ct);

        Assert.Equal("Acme Corp", detail.Account.Name);
        Assert.Equal(["NumberOfEmployees", "BillingCity"], detail.Fields.Keys);
        Assert.Equal(["Jane Roe", "John Smith"], detail.Contacts.Select(c => c.Name));
        Assert.Equal(["Acme services"], detail.OpenOpportunities.Select(o => o.Name));
        Assert.Equal(["QBR meeting", "Renewal call", "Send proposal"], detail.RecentActivities.Select(a => a.Subject));
        Assert.Equal(["meeting", "call", "task"], detail.RecentActivities.Select(a => a.Kind));
        Assert.Equal("Discussed the renewal", detail.RecentActivities[1].Body); // the BEL character is stripped
        Assert.Contains(fake.Queries, q => q == $"SELECT Id, Name, Industry, Type, BillingCountry, AnnualRevenue, OwnerId, Owner.Name, NumberOfEmployees, BillingCity FROM Account WHERE Id = '{FakeSalesforce.AcmeId}' LIMIT 1");
    }

    [Fact]
    public async Task GetAccount_RelatedObjectsOffTheAllowlist_AreLeftOutWithoutQueries()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake,
            new Dictionary<string, string?> { ["Salesforce:Objects"] = "Account" });

        AccountDetail detail = await services.Gateway().GetAccountAsync(FakeSalesforce.AcmeId, new AccountDetailRequest([], 5, 5, 5), Ct);

        Assert.Equal("Acme Corp", detail.Account.Name);
        Assert.Empty(detail.Contacts);
        Assert.Empty(detail.OpenOpportunities);
        Assert.Empty(detail.RecentActivities);
        Assert.All(fake.Queries, q => Assert.Matches("FROM (Account|Organization)$|FROM Account WHERE", q));
    }

    [Fact]
    public async Task GetAccount_RecordOutsideTheUsersSharing_IsNotFoundOrNotVisible()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        BackendException e = await Assert.ThrowsAsync<BackendException>(() =>
            services.Gateway().GetAccountAsync(FakeSalesforce.HiddenAccountId, new AccountDetailRequest([], 0, 0, 0), Ct));

        Assert.Equal(BackendErrorKind.NotFound, e.Kind);
        Assert.Contains("not found or is not visible to you", e.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccount_FieldOffTheAllowlist_IsAnInputError()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        ToolInputException e = await Assert.ThrowsAsync<ToolInputException>(() =>
            services.Gateway().GetAccountAsync(FakeSalesforce.AcmeId, new AccountDetailRequest(["Secret__c"], 0, 0, 0), Ct));

        Assert.Contains("Secret__c", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(fake.Queries, q => q.Contains("Secret__c", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("001D000000IqhSLIAA")]
    [InlineData("acme")]
    public async Task GetAccount_MalformedId_IsAnInputErrorWithoutARequest(string id)
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        await Assert.ThrowsAsync<ToolInputException>(() => services.Gateway().GetAccountAsync(id, new AccountDetailRequest([], 0, 0, 0), Ct));

        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task ListActivities_OfAContact_UsesWhoIdAndKindsFilterTheSubtype()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        ICrmGateway gateway = services.Gateway();

        RecordPage<ActivityInfo> all = await gateway.ListActivitiesAsync(FakeSalesforce.JaneId, new ActivityFilter([]), FirstPage, Ct);
        RecordPage<ActivityInfo> calls = await gateway.ListActivitiesAsync(FakeSalesforce.AcmeId, new ActivityFilter([ActivityKind.Call]), FirstPage, Ct);

        Assert.Equal(["Intro e-mail"], all.Records.Select(a => a.Subject));
        Assert.Contains($"WhoId = '{FakeSalesforce.JaneId}'", all.Query, StringComparison.Ordinal);
        Assert.Equal(["Renewal call"], calls.Records.Select(a => a.Subject));
        Assert.Contains("TaskSubtype IN ('Call')", calls.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("FROM Event", calls.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListActivities_Paging_ContinuesWhereThePageEnded()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        ICrmGateway gateway = services.Gateway();

        RecordPage<ActivityInfo> first = await gateway.ListActivitiesAsync(FakeSalesforce.AcmeId, new ActivityFilter([]), new PageRequest(2, null), Ct);
        RecordPage<ActivityInfo> second = await gateway.ListActivitiesAsync(FakeSalesforce.AcmeId, new ActivityFilter([]), new PageRequest(2, first.NextCursor), Ct);

        Assert.Equal(["QBR meeting", "Renewal call"], first.Records.Select(a => a.Subject));
        Assert.Equal(["Send proposal"], second.Records.Select(a => a.Subject));
        Assert.Null(second.NextCursor);
        await Assert.ThrowsAsync<ToolInputException>(() =>
            gateway.ListActivitiesAsync(FakeSalesforce.GlobexId, new ActivityFilter([]), new PageRequest(2, first.NextCursor), Ct));
    }

    [Fact]
    public async Task Check_ReachesTheOrgAsTheUser()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        CrmCheck check = await services.Gateway().CheckAsync(Ct);

        Assert.Equal(new CrmCheck("Salesforce", "127.0.0.1", "Jane Rep", "v62.0"), check);
    }
}

using McpServers.Crm.Backend;
using McpServers.Crm.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.Salesforce;

/// <summary>crm_top_accounts on Salesforce: one SOQL aggregate over the seeded opportunities, totals summed by the fake.</summary>
public sealed class SalesforceRankingTests
{
    private static readonly DateRange Q4 = new(new DateOnly(2026, 10, 1), new DateOnly(2027, 1, 1));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TopAccounts_Won_RanksBySumOfWonAmountsInThePeriodWithOneAggregateQuery()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        AccountRanking ranking = await services.Gateway().TopAccountsAsync(new RankingRequest(RankBy.Won, Q4, null, 10), Ct);

        Assert.Equal(
            [
                new RankedAccount(1, FakeSalesforce.AcmeId, "Acme Corp", new Money(FakeSalesforce.AcmeWonQ4, "USD"), 2),
                new RankedAccount(2, FakeSalesforce.GlobexId, "Globex", new Money(FakeSalesforce.GlobexWonQ4, "USD"), 1),
                new RankedAccount(3, FakeSalesforce.InitechId, "Initech", new Money(FakeSalesforce.InitechWonQ4, "USD"), 1),
            ],
            ranking.Accounts);
        Assert.Equal(
            "SELECT AccountId, Account.Name, SUM(Amount), COUNT(Id) FROM Opportunity WHERE AccountId != null AND IsWon = true AND IsClosed = true AND CloseDate >= 2026-10-01 AND CloseDate < 2027-01-01 GROUP BY AccountId, Account.Name ORDER BY SUM(Amount) DESC LIMIT 10",
            ranking.Query);
        Assert.Single(fake.Queries, q => q.Contains("GROUP BY", StringComparison.Ordinal));
        Assert.Equal(4, ranking.Scanned);
        Assert.False(ranking.CapReached);
    }

    [Fact]
    public async Task TopAccounts_Pipeline_RanksOpenAmounts()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        AccountRanking ranking = await services.Gateway().TopAccountsAsync(new RankingRequest(RankBy.Pipeline, Q4, null, 10), Ct);

        Assert.Equal([(FakeSalesforce.InitechId, FakeSalesforce.InitechPipelineQ4), (FakeSalesforce.AcmeId, FakeSalesforce.AcmePipelineQ4)],
            ranking.Accounts.Select(a => (a.AccountId, a.Amount.Amount)));
        Assert.Contains("IsClosed = false", ranking.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TopAccounts_OwnerMeAndLimit_NarrowToTheUsersOpportunities()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        AccountRanking ranking = await services.Gateway().TopAccountsAsync(new RankingRequest(RankBy.Won, Q4, "me", 1), Ct);

        RankedAccount top = Assert.Single(ranking.Accounts);
        Assert.Equal((FakeSalesforce.AcmeId, FakeSalesforce.AcmeWonQ4), (top.AccountId, top.Amount.Amount));
        Assert.Contains($"OwnerId = '{FakeSalesforce.MyUserId}'", ranking.Query, StringComparison.Ordinal);
        Assert.Single(fake.Requests, r => r.Path == "/services/oauth2/userinfo");
    }

    [Fact]
    public async Task TopAccounts_AmountsAreInTheOrgsCorporateCurrency()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        fake.CorporateCurrency = "EUR";
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);

        AccountRanking ranking = await services.Gateway().TopAccountsAsync(new RankingRequest(RankBy.Won, Q4, null, 10), Ct);

        Assert.All(ranking.Accounts, a => Assert.Equal("EUR", a.Amount.Currency));
    }

    [Fact]
    public async Task FiscalYearStartMonth_IsTheOrganizationsAndReadOnce()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        fake.FiscalYearStartMonth = 4;
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        ICrmGateway gateway = services.Gateway();

        Assert.Equal(4, await gateway.FiscalYearStartMonthAsync(Ct));
        Assert.Equal(4, await gateway.FiscalYearStartMonthAsync(Ct));
        await gateway.TopAccountsAsync(new RankingRequest(RankBy.Won, Q4, null, 10), Ct);

        Assert.Single(fake.Queries, q => q == "SELECT FiscalYearStartMonth, DefaultCurrencyIsoCode FROM Organization");
    }

    [Fact]
    public async Task Organization_NotReadableByTheUser_GivesNoFiscalYearOrCurrencyButRankingStillWorks()
    {
        await using FakeSalesforce fake = await FakeSalesforce.StartAsync(Ct);
        fake.OrganizationHidden = true;
        await using ServiceProvider services = SalesforceGatewayFactory.Services(fake);
        ICrmGateway gateway = services.Gateway();

        Assert.Null(await gateway.FiscalYearStartMonthAsync(Ct));
        AccountRanking ranking = await gateway.TopAccountsAsync(new RankingRequest(RankBy.Won, Q4, null, 10), Ct);

        Assert.Equal(FakeSalesforce.AcmeWonQ4, ranking.Accounts[0].Amount.Amount);
        Assert.Null(ranking.Accounts[0].Amount.Currency);
        Assert.Single(fake.Queries, q => q.Contains("FROM Organization", StringComparison.Ordinal));
    }
}

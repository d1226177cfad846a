using McpServers.Crm.Options;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.Options;

public sealed class CrmOptionsTests
{
    private static CrmOptions Valid() => new() { Provider = CrmProvider.Salesforce };

    [Fact]
    public void Defaults_WithAProvider_AreValid() => Assert.Empty(CrmOptionsValidator.Check(Valid()));

    [Fact]
    public void MissingProvider_NamesTheEnvironmentVariableTheSettingAndBothValues()
    {
        string problem = CrmOptionsValidator.Check(new CrmOptions())[0];

        Assert.Contains("CRM_PROVIDER (Crm:Provider)", problem, StringComparison.Ordinal);
        Assert.Contains("Salesforce or HubSpot", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, 0.95)]
    [InlineData(0.96, 0.95)]
    [InlineData(0.8, 1.5)]
    [InlineData(double.NaN, 0.95)]
    [InlineData(-0.1, 0.5)]
    public void UsageShares_MustBeOrderedFractions(double warn, double refuse)
    {
        CrmOptions options = Valid() with { WarnAtUsageShare = warn, RefuseAtUsageShare = refuse };

        Assert.Contains(CrmOptionsValidator.Check(options), p => p.Contains("Crm:WarnAtUsageShare", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.8, 0.8)]
    [InlineData(0.5, 1.0)]
    public void UsageShares_AtTheirBounds_AreValid(double warn, double refuse) =>
        Assert.Empty(CrmOptionsValidator.Check(Valid() with { WarnAtUsageShare = warn, RefuseAtUsageShare = refuse }));

    [Theory]
    [InlineData(0, 25, "Crm:MaxResults")]
    [InlineData(201, 25, "Crm:MaxResults")]
    [InlineData(50, 51, "Crm:DefaultMaxResults")]
    [InlineData(50, 0, "Crm:DefaultMaxResults")]
    public void PageSizes_AreBounded(int max, int byDefault, string setting) =>
        Assert.Contains(CrmOptionsValidator.Check(Valid() with { MaxResults = max, DefaultMaxResults = byDefault }), p => p.StartsWith(setting, StringComparison.Ordinal));

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    public void FiscalYearStartMonth_IsAMonth(int month) =>
        Assert.Contains(CrmOptionsValidator.Check(Valid() with { FiscalYearStartMonth = month }), p => p.StartsWith("Crm:FiscalYearStartMonth", StringComparison.Ordinal));

    [Fact]
    public void TimeZone_MustBeKnown() =>
        Assert.Contains(CrmOptionsValidator.Check(Valid() with { TimeZone = "Mars/Olympus_Mons" }), p => p.Contains("Crm:TimeZone 'Mars/Olympus_Mons'", StringComparison.Ordinal));

    [Fact]
    public void Binding_ReadsTheSection_AndALoweredCapLowersTheDefault()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Crm:Provider"] = "hubspot",
            ["Crm:MaxResults"] = "10",
            ["Crm:TimeZone"] = "Europe/Berlin",
            ["Crm:FiscalYearStartMonth"] = "4",
        }).Build();
        using ServiceProvider services = new ServiceCollection().AddCrmOptions(configuration).BuildServiceProvider();

        CrmOptions options = services.GetRequiredService<CrmOptions>();

        Assert.Equal(CrmProvider.HubSpot, options.Provider);
        Assert.Equal(10, options.DefaultMaxResults);
        Assert.Equal(4, options.FiscalYearStartMonth);
        Assert.Equal("Europe/Berlin", options.TimeZone);
    }

    [Fact]
    public void Binding_AnUnknownProvider_IsRefusedNamingTheValues()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Crm:Provider"] = "Dynamics" }).Build();
        using ServiceProvider services = new ServiceCollection().AddCrmOptions(configuration).BuildServiceProvider();

        var e = Assert.Throws<ConfigurationException>(() => services.GetRequiredService<CrmOptions>());

        Assert.Contains("Crm:Provider must be Salesforce or HubSpot", e.Message, StringComparison.Ordinal);
    }
}

using McpServers.Database.Backend;
using McpServers.Database.Options;
using McpServers.Database.Tools;
using McpServers.Shared.Errors;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace McpServers.Database.Tests.Options;

/// <summary>The pool-size setting, the period convention and the settings that drive it.</summary>
public sealed class PoolPeriodAndSettingsTests
{
    [Fact]
    public void LocalMidnight_SkippedByADaylightSavingJump_StartsTheDayAtTheEndOfTheGap()
    {
        // A zone whose clocks jump from 00:00 to 01:00 on the first Sunday of October (as Paraguay's did): midnight of
        // 2023-10-01 does not exist there, and converting it threw, an internal error for a schema-valid period.
        TimeZoneInfo.TransitionTime start = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 0, 0, 0), 10, 1, DayOfWeek.Sunday);
        TimeZoneInfo.TransitionTime end = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 0, 0, 0), 3, 4, DayOfWeek.Sunday);
        var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(new DateTime(2000, 1, 1), new DateTime(2099, 12, 31), TimeSpan.FromHours(1), start, end);
        TimeZoneInfo zone = TimeZoneInfo.CreateCustomTimeZone("Test/MidnightJump", TimeSpan.FromHours(-4), "Midnight jump", "Standard", "Daylight", [rule]);

        DateTime skipped = QueryBuilder.LocalMidnightUtc(new DateOnly(2023, 10, 1), zone);
        DateTime ordinary = QueryBuilder.LocalMidnightUtc(new DateOnly(2023, 9, 1), zone);

        Assert.Equal(new DateTime(2023, 10, 1, 4, 0, 0, DateTimeKind.Utc), skipped);
        Assert.Equal(new DateTime(2023, 9, 1, 4, 0, 0, DateTimeKind.Utc), ordinary);
    }

    private static int PoolSize(DatabaseOptions options) =>
        new NpgsqlConnectionStringBuilder(ConnectionResolver.Resolve(options).PostgresConnectionString).MaxPoolSize;

    [Theory]
    [InlineData("postgres://reader:pw@db.example:5432/sales", null, 10)]
    [InlineData("postgres://reader:pw@db.example:5432/sales", 4, 4)]
    [InlineData("Host=db.example;Username=reader;Database=sales", null, 10)]
    [InlineData("Host=db.example;Username=reader;Database=sales;Maximum Pool Size=3", null, 3)]
    [InlineData("Host=db.example;Username=reader;Database=sales;Maximum Pool Size=30", 5, 5)]
    public void PoolSize_IsSmallByDefault_AndTheSettingAppliesToEveryConnectionStringForm(string connectionString, int? setting, int expected)
    {
        Assert.Equal(expected, PoolSize(new DatabaseOptions { ConnectionString = connectionString, MaxPoolSize = setting }));
    }

    [Fact]
    public void PoolSize_MinimumPoolSizeNeverExceedsTheMaximum()
    {
        var options = new DatabaseOptions { ConnectionString = "Host=db;Username=u;Minimum Pool Size=20", MaxPoolSize = 4 };

        Assert.Equal(4, new NpgsqlConnectionStringBuilder(ConnectionResolver.Resolve(options).PostgresConnectionString).MinPoolSize);
    }

    [Theory]
    [InlineData("Host=db;Username=u", 32)]
    [InlineData("postgres://u@db/sales", 32)]
    [InlineData("Host=db;Username=u;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Username=u;MaxAutoPrepare=5", 5)]
    public void AutoPrepare_IsOnUnlessTheConnectionStringNamesIt(string connectionString, int expected)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionResolver.Resolve(new DatabaseOptions { ConnectionString = connectionString }).PostgresConnectionString);

        Assert.Equal(expected, builder.MaxAutoPrepare);
    }

    [Theory]
    [InlineData(0, null, 1, "MaxPoolSize")]
    [InlineData(null, "Not/AZone", 1, "TimeZone")]
    [InlineData(null, null, 13, "FiscalYearStartMonth")]
    public void NewSettings_AreCheckedAtStart(int? pool, string? zone, int fiscalStart, string setting)
    {
        var options = new DatabaseOptions { Demo = true, MaxPoolSize = pool, TimeZone = zone, FiscalYearStartMonth = fiscalStart };

        Assert.Contains(DatabaseOptionsValidator.Check(options), e => e.Contains(setting, StringComparison.Ordinal));
    }

    [Fact]
    public void NullEntries_ReachingTheMapping_AreInputErrorsNamingTheEntry()
    {
        Assert.Contains("`filters[1]`", Assert.Throws<ToolInputException>(() => InputMapping.Filters([new FilterInput("a", FilterOp.IsNull), null!])).Message, StringComparison.Ordinal);
        Assert.Contains("`order_by[0]`", Assert.Throws<ToolInputException>(() => InputMapping.Order([null!])).Message, StringComparison.Ordinal);
        Assert.Contains("`metrics[0]`", Assert.Throws<ToolInputException>(() => InputMapping.Metrics([null!])).Message, StringComparison.Ordinal);
        Assert.Contains("`group_by[0]`", Assert.Throws<ToolInputException>(() => InputMapping.Groups([null!])).Message, StringComparison.Ordinal);
        Assert.Contains("`having[0]`", Assert.Throws<ToolInputException>(() => InputMapping.Having([null!])).Message, StringComparison.Ordinal);
        Assert.Contains("`columns[0]`", Assert.Throws<ToolInputException>(() => InputMapping.Columns([null!])).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 10, true)]
    [InlineData(null, 4, false)]
    [InlineData("4", 4, true)]
    [InlineData("12", 10, false)]
    public void SharedConcurrencyCap_MustStayWithinThePool(string? maxCalls, int poolSize, bool ok)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Concurrency:MaxCalls"] = maxCalls })
            .Build();

        string[] problems = [.. DatabaseServer.PoolCoversConcurrency(configuration, poolSize)];

        Assert.Equal(ok, problems.Length == 0);
        Assert.All(problems, p => Assert.Contains("MaxPoolSize", p, StringComparison.Ordinal));
    }

    [Fact]
    public void APoolSmallerThanTheConcurrencyCap_IsRefusedAtStart()
    {
        var error = Assert.ThrowsAny<Exception>(() => McpServers.Database.Tests.Server.DatabaseServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["ConnectionString"] = "Host=127.0.0.1;Port=9;Username=u;Database=d",
            ["MaxPoolSize"] = "4",
        }));

        Assert.Contains("Concurrency:MaxCalls", error.Message, StringComparison.Ordinal);
    }
}

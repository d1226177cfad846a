using System.Globalization;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;

namespace McpServers.Shared.Tests.Text;

/// <summary>The suite's one period convention (DESIGN §4), used by the database and CRM servers.</summary>
public sealed class PeriodTextTests
{
    [Theory]
    [InlineData("this_month", 1, "2026-05", "2026-05-01", "2026-06-01")]
    [InlineData("last_month", 1, "2026-04", "2026-04-01", "2026-05-01")]
    [InlineData("this_quarter", 1, "2026-Q2", "2026-04-01", "2026-07-01")]
    [InlineData("last_quarter", 1, "2026-Q1", "2026-01-01", "2026-04-01")]
    [InlineData("this_year", 1, "2026", "2026-01-01", "2027-01-01")]
    [InlineData("last_year", 1, "2025", "2025-01-01", "2026-01-01")]
    [InlineData("2025-Q4", 1, "2025-Q4", "2025-10-01", "2026-01-01")]
    [InlineData("2026-11", 1, "2026-11", "2026-11-01", "2026-12-01")]
    [InlineData("2024", 1, "2024", "2024-01-01", "2025-01-01")]
    [InlineData("this_quarter", 4, "2026-Q1", "2026-04-01", "2026-07-01")]
    [InlineData("last_quarter", 4, "2025-Q4", "2026-01-01", "2026-04-01")]
    [InlineData("this_year", 7, "2025", "2025-07-01", "2026-07-01")]
    [InlineData("2026-Q3", 10, "2026-Q3", "2027-04-01", "2027-07-01")]
    public void Period_IsComputedFromTodayAndTheFiscalYearStart(string text, int fiscalStart, string name, string start, string end)
    {
        ResolvedPeriod period = PeriodText.Resolve(text, new DateOnly(2026, 5, 20), fiscalStart, TimeZoneInfo.Utc);

        Assert.Equal(name, period.Name);
        Assert.Equal(DateOnly.Parse(start, CultureInfo.InvariantCulture), period.Start);
        Assert.Equal(DateOnly.Parse(end, CultureInfo.InvariantCulture), period.End);
    }

    [Theory]
    [InlineData("2026-Q5")]
    [InlineData("9999")]
    [InlineData("next_quarter")]
    public void Period_OutsideTheConvention_IsAnInstruction(string text)
    {
        var ex = Assert.Throws<ToolInputException>(() => PeriodText.Resolve(text, new DateOnly(2026, 5, 20), 1, TimeZoneInfo.Utc));

        Assert.Contains("this_quarter", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_NamesThePeriodItsInclusiveDaysAndTheTimeZone()
    {
        ResolvedPeriod period = PeriodText.Resolve("2026-Q4", new DateOnly(2026, 5, 20), 1, TimeZoneInfo.Utc);

        Assert.Equal("2026-Q4: 2026-10-01 to 2026-12-31 inclusive, time zone UTC", PeriodText.Describe(period));
    }

    [Fact]
    public void Today_IsTheDateInTheGivenZone_NotInUtc()
    {
        var time = new FixedTime(new DateTimeOffset(2026, 3, 31, 23, 30, 0, TimeSpan.Zero));

        Assert.Equal(new DateOnly(2026, 4, 1), PeriodText.Today(time, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")));
        Assert.Equal(new DateOnly(2026, 3, 31), PeriodText.Today(time, TimeZoneInfo.Utc));
    }

    [Fact]
    public void Zone_BlankIsTheOperatingSystems()
    {
        Assert.Equal(TimeZoneInfo.Local, PeriodText.Zone(" "));
        Assert.Equal("Europe/Berlin", PeriodText.Zone("Europe/Berlin").Id);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

using McpServers.Crm.Backend.HubSpot;
using McpServers.Shared.Errors;

namespace McpServers.Crm.Tests.HubSpot;

public sealed class HubSpotSearchBuilderTests
{
    private static HsFilter F(int i) => HubSpotSearch.Eq("p" + i, "v");

    [Fact]
    public void Groups_AreEveryCombinationOfTheAlternatives_EachWithTheCommonFilters()
    {
        var search = new HubSpotSearch();
        search.All.Add(F(0));
        search.AnyOf.Add([F(1), F(2)]);
        search.AnyOf.Add([F(3), F(4)]);

        IReadOnlyList<HsFilterGroup> groups = search.Groups();

        Assert.Equal([["p0", "p1", "p3"], ["p0", "p1", "p4"], ["p0", "p2", "p3"], ["p0", "p2", "p4"]],
            groups.Select(g => g.Filters.Select(f => f.PropertyName).ToArray()));
    }

    [Fact]
    public void Groups_WithoutFilters_AreNone() => Assert.Empty(new HubSpotSearch().Groups());

    [Theory]
    [InlineData(7, 0)]   // 7 filters in one group: over 6
    [InlineData(0, 3)]   // 2^3 = 8 groups: over 5
    [InlineData(4, 2)]   // 4 groups of 6: 24 filters, over 18
    public void Groups_OverHubSpotsCaps_AreAnInputError(int common, int choices)
    {
        var search = new HubSpotSearch();
        search.All.AddRange(Enumerable.Range(0, common).Select(F));
        for (int i = 0; i < choices; i++)
        {
            search.AnyOf.Add([F(100 + i), F(200 + i)]);
        }

        var e = Assert.Throws<ToolInputException>(() => search.Groups());

        Assert.StartsWith("Too many conditions for HubSpot search", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "`name` must not be empty.")]
    [InlineData("a\u2028b", "`name` must be one line of text without control characters.")]
    [InlineData("a\u200Bb", "`name` must be one line of text without control characters.")]
    public void Text_RefusesWhatCannotBeAOneLineValue(string value, string message) =>
        Assert.Equal(message, Assert.Throws<ToolInputException>(() => HubSpotSearch.Text(value, "name")).Message);

    [Fact]
    public void Text_CapsTheLength() =>
        Assert.Throws<ToolInputException>(() => HubSpotSearch.Text(new string('a', HubSpotSearch.MaxValueChars + 1), "name"));

    [Theory]
    [InlineData("12345", true)]
    [InlineData("0012", true)]
    [InlineData("12 3", false)]
    [InlineData("١٢٣", false)]
    [InlineData("12345678901234567890", false)]
    public void Ids_AreAsciiDigits(string id, bool valid) => Assert.Equal(valid, HubSpotIds.IsId(id));

    [Theory]
    [InlineData("deal:77", "deals", "77")]
    [InlineData("Company:5", "companies", "5")]
    [InlineData("301", null, "301")]
    public void RecordIds_MaySayTheirObject(string value, string? type, string id) =>
        Assert.Equal((type, id), HubSpotIds.ParseRecord(value, "record_id"));
}

using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;

namespace McpServers.Shared.Tests.Settings;

public sealed class SettingListTests
{
    private static IReadOnlyList<string>? Parse(params (string Key, string? Value)[] settings) =>
        SettingList.Parse(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, s.Value))).Build(), "List");

    [Fact]
    public void CommaSeparatedValue_IsTrimmed_AndEmptyItemsAndRepeatsAreDropped() =>
        Assert.Equal(["a", "b c", "d"], Parse(("List", " a, b c ,,d, a ,")));

    [Fact]
    public void ArrayForm_FromAJsonConfigFile_IsRead() =>
        Assert.Equal(["a", "b"], Parse(("List:0", " a "), ("List:1", ""), ("List:2", "b")));

    [Fact]
    public void BothForms_AreRead_NeitherIsIgnored() =>
        Assert.Equal(["a", "b"], Parse(("List", "a"), ("List:0", "b")));

    [Fact]
    public void NotSet_IsNull_SoTheDefaultStays() => Assert.Null(Parse(("Other", "x")));

    [Fact]
    public void SetButEmpty_IsAnEmptyList() => Assert.Equal([], Parse(("List", "")));

    [Fact]
    public void Text_IsSplitTheSameWay() => Assert.Equal(["a", "b"], SettingList.Parse(" a,,b ,a"));
}

using McpServers.InternalApi.Options;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.InternalApi.Tests.Options;

public sealed class InternalApiOptionsTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    [Fact]
    public void Selectors_AreListSettings_CommaSeparatedOrIndexed()
    {
        InternalApiOptions options = InternalApiOptions.FromConfiguration(Configuration(
            ("Include:0", "listItems"), ("Include:1", " tag:inventory "), ("Exclude", "getItem, ,deleteItem")));

        Assert.Equal(["listItems", "tag:inventory"], options.Include);
        Assert.Equal(["getItem", "deleteItem"], options.Exclude);
    }

    [Fact]
    public void MultiSegmentPathParameters_AreListSettingsPerOperation()
    {
        InternalApiOptions options = InternalApiOptions.FromConfiguration(Configuration(
            ("Operations:getFile:MultiSegmentPathParameters", "path, dir"), ("Operations:api_get_tree:MultiSegmentPathParameters:0", "root"),
            ("Operations:createItem:Idempotent", "true")));

        Assert.Equal(["path", "dir"], options.Operations["getFile"].MultiSegmentPathParameters);
        Assert.Equal(["root"], options.Operations["api_get_tree"].MultiSegmentPathParameters);
        Assert.Empty(options.Operations["createItem"].MultiSegmentPathParameters);
    }

    [Fact]
    public void AtStart_EveryProblemIsNamed_TheUnreadableValueFirst()
    {
        using ServiceProvider services = new ServiceCollection()
            .AddInternalApiOptions(Configuration(("Document", "api.json"), ("BaseUrl", "https://api.internal/"), ("MaxResponseBytes", "lots")))
            .BuildServiceProvider();

        var error = Assert.Throws<ConfigurationException>(services.GetRequiredService<InternalApiOptions>);

        Assert.Contains("MaxResponseBytes must be a whole number.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AtStart_TheValidatorsMessagesNameTheSetting()
    {
        using ServiceProvider services = new ServiceCollection()
            .AddInternalApiOptions(Configuration(("Document", "api.json"), ("BaseUrl", "https://api.internal/"), ("ToolPrefix", "Bad Prefix")))
            .BuildServiceProvider();

        var error = Assert.Throws<ConfigurationException>(services.GetRequiredService<InternalApiOptions>);

        Assert.Contains("ToolPrefix:", error.Message, StringComparison.Ordinal);
    }
}

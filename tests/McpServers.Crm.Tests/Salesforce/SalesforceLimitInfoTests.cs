using McpServers.Crm.Backend;
using McpServers.Crm.Backend.Salesforce;

namespace McpServers.Crm.Tests.Salesforce;

public sealed class SalesforceLimitInfoTests
{
    [Theory]
    [InlineData("api-usage=18/5000", 18, 5000)]
    [InlineData("api-usage=10018/100000; api-bursts=1/750", 10018, 100000)]
    [InlineData("per-app-api-usage=17/250(appName=sample-connected-app); api-usage=25/5000", 25, 5000)]
    [InlineData(" API-USAGE = 110018/100000 ", 110018, 100000)]
    public void Parse_ReadsApiUsage(string header, long used, long limit) =>
        Assert.Equal(new ApiUsage(used, limit), SalesforceLimitInfo.Parse(header));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("api-bursts=1/750")]
    [InlineData("api-usage=-1/5000")]
    [InlineData("api-usage=abc")]
    public void Parse_WithoutUsableUsage_IsNull(string? header) => Assert.Null(SalesforceLimitInfo.Parse(header));
}

using McpServers.Crm.Backend.Salesforce;
using McpServers.Shared.Errors;

namespace McpServers.Crm.Tests.Salesforce;

public sealed class SalesforceIdTests
{
    [Theory]
    [InlineData("001D000000IqhSL", "IAZ")] // REST API Developer Guide, "Create a Record"
    [InlineData("003RO0000035WQg", "YAM")] // REST API Developer Guide, "Query"
    [InlineData("001xx000003DGb2", "AAG")]
    public void Checksum_MatchesIdsFromSalesforcesDocs(string id15, string suffix) =>
        Assert.Equal(suffix, SalesforceId.Checksum(id15));

    [Theory]
    [InlineData("001D000000IqhSLIAZ")]
    [InlineData("001D000000IqhSLiaz")] // the suffix is case-insensitive
    [InlineData("001D000000IqhSL")]
    public void Parse_AcceptsValidIds(string id) => Assert.Equal(id, SalesforceId.Parse(id, "account_id"));

    [Theory]
    [InlineData("001D000000IqhSLIAA")] // wrong checksum
    [InlineData("001d000000IqhSLIAZ")] // case changed in the body: another record, checksum no longer matches
    [InlineData("001D000000IqhS")]
    [InlineData("001D000000IqhSLI")]
    [InlineData("001D000000IqhSLIAZX")]
    [InlineData("001D000000Iqh'LIAZ")]
    [InlineData("001D000000Iqh LIAZ")]
    [InlineData("001D000000IqhSLIA\n")]
    [InlineData("")]
    [InlineData(null)]
    public void Parse_RefusesOtherShapes_NamingTheParameterAndTheShape(string? id)
    {
        ToolInputException e = Assert.Throws<ToolInputException>(() => SalesforceId.Parse(id, "account_id"));
        Assert.Contains("`account_id`", e.Message, StringComparison.Ordinal);
        Assert.Contains("15 or 18", e.Message, StringComparison.Ordinal);
    }
}

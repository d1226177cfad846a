using McpServers.Crm.Backend.Salesforce;

namespace McpServers.Crm.Tests.SalesforceSignIn;

public sealed class SalesforceInstanceRuleTests
{
    [Theory]
    [InlineData("https://acme.my.salesforce.com", "https://acme.my.salesforce.com/")]
    [InlineData("https://acme.my.salesforce.com/", "https://acme.my.salesforce.com/")]
    [InlineData("https://acme--uat.sandbox.my.salesforce.com", "https://acme--uat.sandbox.my.salesforce.com/")]
    [InlineData("https://na1.salesforce.com", "https://na1.salesforce.com/")]
    [InlineData("https://ACME.My.Salesforce.com", "https://acme.my.salesforce.com/")]
    [InlineData("https://agency.my.salesforce.mil", "https://agency.my.salesforce.mil/")]
    public void FromTokenResponse_AcceptsSalesforceHttpsHosts(string instanceUrl, string origin) =>
        Assert.Equal(new Uri(origin), SalesforceInstanceRule.FromTokenResponse(instanceUrl, loopbackTokenEndpoint: false));

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("https://salesforce.com")]
    [InlineData("https://acme.my.salesforce.com.evil.example")]
    [InlineData("https://evilsalesforce.com")]
    [InlineData("https://evil.example/acme.my.salesforce.com")]
    [InlineData("https://acme.my.salesforce.com/services/data")]
    [InlineData("https://acme.my.salesforce.com?x=1")]
    [InlineData("https://acme.my.salesforce.com#x")]
    [InlineData("http://acme.my.salesforce.com")]
    [InlineData("https://acme.my.salesforce.com:8443")]
    [InlineData("https://user:pass@acme.my.salesforce.com")]
    [InlineData("https://93.184.216.34")]
    [InlineData("https://[2001:db8::1]")]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("https://localhost")]
    [InlineData("file:///etc/passwd")]
    [InlineData("//acme.my.salesforce.com")]
    [InlineData("acme.my.salesforce.com")]
    [InlineData("")]
    [InlineData(null)]
    public void FromTokenResponse_RefusesEverythingElse(string? instanceUrl) =>
        Assert.Null(SalesforceInstanceRule.FromTokenResponse(instanceUrl, loopbackTokenEndpoint: false));

    [Fact]
    public void FromTokenResponse_AcceptsLoopback_OnlyWhenTheTokenEndpointIsOnLoopbackToo() =>
        Assert.Equal(new Uri("http://127.0.0.1:8080/"), SalesforceInstanceRule.FromTokenResponse("http://127.0.0.1:8080", loopbackTokenEndpoint: true));

    [Theory]
    [InlineData("https://yourcompany.my.salesforce.com", true)]
    [InlineData("https://crm.example.com", true)]
    [InlineData("http://127.0.0.1:5000/", true)]
    [InlineData("http://yourcompany.my.salesforce.com", false)]
    [InlineData("https://yourcompany.my.salesforce.com/services/data", false)]
    [InlineData("https://u:p@yourcompany.my.salesforce.com", false)]
    [InlineData("yourcompany.my.salesforce.com", false)]
    public void Configured_AcceptsAnHttpsOrigin_OrLoopbackHttp(string value, bool accepted) =>
        Assert.Equal(accepted, SalesforceInstanceRule.Configured(value) is not null);
}

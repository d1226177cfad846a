using McpServers.Crm.Backend.Salesforce;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.Salesforce;

public sealed class SalesforceOptionsTests
{
    private static SalesforceOptions Read(Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using ServiceProvider services = new ServiceCollection().AddSalesforceOptions(configuration).BuildServiceProvider();
        return services.GetRequiredService<SalesforceOptions>();
    }

    [Fact]
    public void Defaults_AreValidAndNameTheDocumentedFields()
    {
        SalesforceOptions options = Read([]);

        Assert.Equal("v62.0", options.ApiVersion);
        Assert.Equal(["Account", "Contact", "Opportunity", "Task", "Event"], options.Objects);
        Assert.Contains("Industry", options.AccountFields);
        Assert.Equal(["StageName", "NextStep", "CloseDate", "Amount"], options.OpportunityWriteFields);
        Assert.Empty(options.AccountWriteFields);
    }

    [Fact]
    public void Lists_ReplaceTheDefaults_FromCommaSeparatedOrArrayForm()
    {
        SalesforceOptions options = Read(new()
        {
            ["Salesforce:AccountFields"] = " Id, Name ,Region__c",
            ["Salesforce:ContactWriteFields:0"] = "Title",
            ["Salesforce:ApiVersion"] = "v60.0",
        });

        Assert.Equal(["Id", "Name", "Region__c"], options.AccountFields);
        Assert.Equal(["Title"], options.ContactWriteFields);
        Assert.Equal("v60.0", options.ApiVersion);
    }

    [Theory]
    [InlineData("Salesforce:ApiVersion", "62.0", "Salesforce:ApiVersion must look like v62.0")]
    [InlineData("Salesforce:ApiVersion", "v62.0/../../x", "Salesforce:ApiVersion")]
    [InlineData("Salesforce:Objects", "Account,User", "Salesforce:Objects: 'User'")]
    [InlineData("Salesforce:AccountFields", "Name,Id FROM User", "Salesforce:AccountFields: 'Id FROM User'")]
    [InlineData("Salesforce:OpportunityWriteFields", "Stage Name", "Salesforce:OpportunityWriteFields: 'Stage Name'")]
    public void InvalidSettings_AreRefusedNamingTheSetting(string key, string value, string says)
    {
        ConfigurationException e = Assert.Throws<ConfigurationException>(() => Read(new() { [key] = value }));
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }
}

using McpServers.Testing.Options;
using Microsoft.Extensions.Configuration;

namespace McpServers.Documents.Tests.Server;

public sealed class SettingsAgreementTests
{
    /// <summary>Every source configured, so that each registers its options (a source registers nothing unless configured).</summary>
    private static readonly IConfiguration AllSources = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Local:Roots"] = DocumentsServer.DemoFolder,
        ["Confluence:BaseUrl"] = "http://127.0.0.1:9/",
        ["Confluence:OAuth:ClientId"] = "documents-tests",
    }).Build();

    [Fact]
    public void Help_ServerJson_Readme_AndOptions_DescribeTheSameSettings()
    {
        IReadOnlyList<string> problems = new SettingsAgreement(DocumentsServer.Identity, (services, _) => services.AddDocumentsServer(AllSources))
            .Undocumented("Confluence:Http:", "the shared HTTP client's settings, one README row; --help names Confluence:Http:Proxy")
            .Undocumented("SharePoint:Http:", "the shared HTTP client's settings, one README row; --help names SharePoint:Http:Proxy and DownloadHosts")
            .Undocumented("SharePoint:OAuth:", "the shared sign-in's endpoint overrides, one README row; their defaults come from SharePoint:TenantId and SharePoint:AuthorityUrl")
            .Problems("servers/McpServers.Documents/.mcp/server.json", "servers/McpServers.Documents/README.md");

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}

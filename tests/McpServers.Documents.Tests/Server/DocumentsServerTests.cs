using McpServers.Documents.Backend;
using McpServers.Documents.Options;
using McpServers.Documents.Tests.Tools;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpServers.Documents.Tests.Server;

/// <summary>Start-up without a source, --check, and the Documents: options.</summary>
public sealed class DocumentsServerTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, params IDocumentSource[] sources)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        foreach (IDocumentSource source in sources)
        {
            services.AddSingleton(source);
        }

        services.AddDocumentsServer(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void NoSourceConfigured_RefusesToStartNamingTheSettingsAndTheDemo()
    {
        using ServiceProvider services = Build([]);

        var e = Assert.Throws<ConfigurationException>(() => services.GetRequiredService<ToolRegistry>());

        Assert.Contains("Local:Roots", e.Message, StringComparison.Ordinal);
        Assert.Contains("Confluence:BaseUrl", e.Message, StringComparison.Ordinal);
        Assert.Contains("SharePoint:Sites", e.Message, StringComparison.Ordinal);
        Assert.Contains("--demo", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_NoSource_FailsNamingTheSourceSettings()
    {
        using ServiceProvider services = Build([]);

        CheckResult line = Assert.Single(await Checks(services));

        Assert.Equal(CheckStatus.Failed, line.Status);
        Assert.Contains("Local:Roots", line.Setting, StringComparison.Ordinal);
        Assert.Contains("Confluence:BaseUrl", line.Setting, StringComparison.Ordinal);
        Assert.Contains("SharePoint:Sites", line.Setting, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_OneLinePerSource_AFailingSourceInItsOwnSafeWords()
    {
        var down = new FakeSource("confluence") { Failure = new BackendException(BackendErrorKind.Unauthorized, "Confluence refused the API token; check Confluence:ApiToken.") };
        using ServiceProvider services = Build([], new FakeSource("local", false).Add("a.md", "A", "x"), down);

        IReadOnlyList<CheckResult> lines = await Checks(services);

        Assert.Equal(2, lines.Count);
        Assert.Equal(("local", CheckStatus.Ok, "1 documents visible"), (lines[0].Name, lines[0].Status, lines[0].Message));
        Assert.Equal(("confluence", CheckStatus.Failed), (lines[1].Name, lines[1].Status));
        Assert.Contains("check Confluence:ApiToken", lines[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_PointsTheLocalSourceAtThePackedSamples()
    {
        Assert.True(File.Exists(Path.Combine(DocumentsServer.DemoFolder, "travel-policy.md")));
        Assert.True(File.Exists(Path.Combine(DocumentsServer.DemoFolder, "Security", "information-security-standard.md")));
        Assert.Contains(DocumentsServer.Identity.Switches, s => s.Name == "--demo" && s.ConfigKey == "Documents:Demo");
    }

    [Theory]
    [InlineData("MaxResults", "0", "Documents:MaxResults must be a whole number from 1 to 1000.")]
    [InlineData("DefaultMaxResults", "51", "Documents:DefaultMaxResults must be a whole number from 1 to 50.")]
    [InlineData("MaxCharsPerCall", "10", "Documents:MaxCharsPerCall must be a whole number from 500 to 1000000.")]
    [InlineData("MaxFileBytes", "1", "Documents:MaxFileBytes must be a whole number from 1024")]
    [InlineData("TimeZone", "Mars/Olympus", "Documents:TimeZone 'Mars/Olympus' is not a time zone")]
    public void Options_OutOfRange_AreRefusedAtStartNamingTheSetting(string key, string value, string expected)
    {
        using ServiceProvider services = Build(new() { [$"Documents:{key}"] = value }, new FakeSource("local", false));

        var e = Assert.Throws<ConfigurationException>(() => services.GetRequiredService<DocumentsOptions>());

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_AreValid()
    {
        using ServiceProvider services = Build([], new FakeSource("local", false));

        DocumentsOptions options = services.GetRequiredService<DocumentsOptions>();

        Assert.Equal((10, 50, 20_000), (options.DefaultMaxResults, options.MaxResults, options.MaxCharsPerCall));
    }

    private static async Task<IReadOnlyList<CheckResult>> Checks(IServiceProvider services)
    {
        var results = new List<CheckResult>();
        foreach (IServerCheck check in services.GetServices<IServerCheck>().Where(c => c.GetType().Name == "DocumentsServerCheck"))
        {
            results.AddRange(await check.RunAsync(TestContext.Current.CancellationToken));
        }

        return results;
    }
}

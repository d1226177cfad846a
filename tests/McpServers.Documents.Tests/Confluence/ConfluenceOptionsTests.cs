using McpServers.Documents.Backend;
using McpServers.Documents.Backend.Confluence;
using McpServers.Shared.Hosting;
using McpServers.Testing.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Documents.Tests.Confluence;

public sealed class ConfluenceOptionsTests
{
    private static Dictionary<string, string?> Valid() => new()
    {
        ["Confluence:BaseUrl"] = "https://example.atlassian.net",
        ["Confluence:Spaces"] = "ENG, HR",
        ["Confluence:Email"] = "me@example.com",
        ["Confluence:ApiToken"] = "t0ken",
    };

    [Fact]
    public void NotConfigured_RegistersNothing()
    {
        using ServiceProvider services = ConfluenceHarness.Build(new Dictionary<string, string?>());

        Assert.Empty(services.GetServices<IDocumentSource>());
        Assert.Empty(services.GetServices<IDocumentWriter>());
    }

    [Fact]
    public void Help_ListsOnlySettingsTheConfluenceOptionsBind()
    {
        IReadOnlyList<string> problems = new SettingsAgreement(DocumentsServer.Identity, (services, configuration) => services.AddDocumentsServer(configuration))
            .Undocumented("Confluence:Http:", "the shared HTTP client's settings; --help names Confluence:Http:Proxy")
            .Undocumented("Confluence:OAuth:", "the shared sign-in's settings; --help names the ones Confluence needs")
            .Problems(null);

        Assert.DoesNotContain(problems, p => p.Contains("Confluence", StringComparison.Ordinal) || p.Contains("CONFLUENCE", StringComparison.Ordinal));
    }

    [Fact]
    public void Configured_RegistersTheSourceAndWriterWithTrimmedLists()
    {
        using ServiceProvider services = ConfluenceHarness.Build(Valid());

        Assert.Equal("confluence", services.GetRequiredService<IDocumentSource>().Name);
        Assert.Equal("confluence", services.GetRequiredService<IDocumentWriter>().Name);
        ConfluenceOptions options = services.GetRequiredService<ConfluenceOptions>();
        Assert.Equal(["ENG", "HR"], options.Spaces);
        Assert.Empty(options.WritableSpaces);
        Assert.Equal("https://example.atlassian.net/", options.BaseUrl.ToString());
        Assert.DoesNotContain("t0ken", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DocumentsServer_FindsTheConfluenceSourceAndWriter()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(Valid()).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddDocumentsServer(configuration);
        using ServiceProvider provider = services.BuildServiceProvider();

        DocumentSources sources = provider.GetRequiredService<DocumentSources>();

        Assert.Equal("confluence", sources.Named("confluence").Name);
        Assert.Equal("confluence", sources.Of("confluence:123", "id").Name);
        Assert.Equal(["confluence"], sources.Writers.Select(w => w.Name));
    }

    [Theory]
    [InlineData("Confluence:Spaces", null, "CONFLUENCE_SPACES")]
    [InlineData("Confluence:Spaces", "ENG,~me", "'~me' is not a space key")]
    [InlineData("Confluence:BaseUrl", "ftp://x", "CONFLUENCE_URL")]
    [InlineData("Confluence:ApiToken", null, "No Confluence credentials")]
    [InlineData("Confluence:Email", null, "CONFLUENCE_EMAIL")]
    [InlineData("Confluence:PersonalAccessToken", "pat", "not both")]
    [InlineData("Confluence:WritableSpaces", "OPS", "'OPS' is not in Confluence:Spaces")]
    public void Invalid_NamesTheSettingToFix(string key, string? value, string expected)
    {
        Dictionary<string, string?> settings = Valid();
        settings[key] = value;
        using ServiceProvider services = ConfluenceHarness.Build(settings);

        var e = Assert.Throws<ConfigurationException>(() => services.GetRequiredService<ConfluenceOptions>());

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("t0ken", e.Message, StringComparison.Ordinal);
    }
}

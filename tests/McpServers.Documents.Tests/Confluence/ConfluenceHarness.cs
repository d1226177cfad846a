using McpServers.Documents.Backend;
using McpServers.Documents.Backend.Confluence;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Documents.Tests.Confluence;

/// <summary>The Confluence source and writer exactly as the server registers them, against a <see cref="FakeConfluence"/>.</summary>
internal sealed class ConfluenceHarness : IAsyncDisposable
{
    private ConfluenceHarness(FakeConfluence fake, ServiceProvider services)
    {
        Fake = fake;
        Services = services;
    }

    /// <summary>Both dialects, for tests that must hold for each.</summary>
    public static TheoryData<ConfluenceFlavor> Flavors => [ConfluenceFlavor.Cloud, ConfluenceFlavor.DataCenter];

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public FakeConfluence Fake { get; }

    public ServiceProvider Services { get; }

    public IDocumentSource Source => Services.GetRequiredService<IDocumentSource>();

    public IDocumentWriter Writer => Services.GetRequiredService<IDocumentWriter>();

    public static async Task<ConfluenceHarness> StartAsync(ConfluenceFlavor flavor, Action<Dictionary<string, string?>>? configure = null)
    {
        FakeConfluence fake = await FakeConfluence.StartAsync(flavor);
        Dictionary<string, string?> settings = fake.Configuration();
        configure?.Invoke(settings);
        return new ConfluenceHarness(fake, Build(settings));
    }

    /// <param name="also">Further sources registered beside Confluence (e.g. SharePoint).</param>
    public static ServiceProvider Build(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection, IConfiguration>? also = null)
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new SecretRedactor());
        services.AddSingleton(DocumentsServer.Identity);
        services.AddConfluence(configuration);
        also?.Invoke(services, configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>The requests that reached Confluence's API (the recorded path and query, decoded).</summary>
    public IReadOnlyList<string> Calls => [.. Fake.Requests.Select(r => r.Method + " " + r.Path + Uri.UnescapeDataString(r.RawQuery))];

    /// <summary>The CQL of every search sent.</summary>
    public IReadOnlyList<string> SentCql => [.. Fake.Requests.Where(r => r.Path.EndsWith("/search", StringComparison.Ordinal))
        .Select(r => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(r.RawQuery)["cql"].ToString())];

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Fake.DisposeAsync();
    }
}

using McpServers.Crm.Backend;
using McpServers.Crm.Backend.HubSpot;
using McpServers.Crm.Tests.Fakes;
using McpServers.Shared.Audit;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.HubSpot;

/// <summary>The HubSpot provider as the server registers it (AddHubSpot), pointed at a <see cref="FakeHubSpot"/>.</summary>
internal sealed class HubSpotServices : IDisposable
{
    private readonly ServiceProvider _services;

    public HubSpotServices(FakeHubSpot fake, IReadOnlyDictionary<string, string?>? extra = null, Action<HubSpotOptions>? adjust = null)
    {
        Dictionary<string, string?> settings = fake.ServerSettings();
        settings["Crm:TimeZone"] = "UTC";
        foreach ((string key, string? value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(SecretRedactor.FromConfiguration(configuration, CrmServer.Identity));
        services.AddSingleton(CrmServer.Identity);
        services.AddSingleton(new AuditContext());
        services.AddHubSpot(configuration);
        _services = services.BuildServiceProvider();
        adjust?.Invoke(_services.GetRequiredService<HubSpotOptions>());
    }

    public IServiceProvider Services => _services;

    public ICrmGateway Gateway => _services.GetRequiredService<ICrmGateway>();

    public AuditContext Audit => _services.GetRequiredService<AuditContext>();

    public void Dispose() => _services.Dispose();
}

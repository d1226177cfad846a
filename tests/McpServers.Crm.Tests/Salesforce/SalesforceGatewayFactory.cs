using McpServers.Crm.Backend;
using McpServers.Crm.Tests.Fakes;
using McpServers.Testing.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpServers.Crm.Tests.Salesforce;

/// <summary>
/// The server's own registration (<c>AddCrmServer</c>) over a <see cref="FakeSalesforce"/>: as a service provider for
/// gateway-level tests, or as an in-memory MCP server for tool tests. Extra settings override the fake's.
/// </summary>
public static class SalesforceGatewayFactory
{
    public static Dictionary<string, string?> Settings(FakeSalesforce fake, IReadOnlyDictionary<string, string?>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(fake);
        Dictionary<string, string?> settings = fake.Settings();
        foreach ((string key, string? value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A service provider with the server's registration; dispose it after the test.</summary>
    public static ServiceProvider Services(FakeSalesforce fake, IReadOnlyDictionary<string, string?>? extra = null)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(fake, extra)).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        services.AddCrmServer(configuration);
        return services.BuildServiceProvider();
    }

    public static ICrmGateway Gateway(this ServiceProvider services) => services.GetRequiredService<ICrmGateway>();

    /// <summary>The whole server over the fake, with an MCP client to connect (<see cref="InMemoryMcpServer.ConnectAsync"/>).</summary>
    public static InMemoryMcpServer Server(FakeSalesforce fake, IReadOnlyDictionary<string, string?>? extra = null) =>
        new((s, c) => s.AddCrmServer(c), Settings(fake, extra));
}

using McpServers.Shared.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpServers.Shared.Tests.Http;

/// <summary>
/// A backend client registered exactly as a server would, with quick test defaults and captured logs.
/// The <c>baseAddress</c> is the client's base address (a same-origin redirect may stay under its path).
/// </summary>
internal sealed class BackendHttpHarness : IDisposable
{
    public const string System = "Jira";

    private readonly ServiceProvider _provider;

    public BackendHttpHarness(Uri baseAddress, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Jira:Http:Timeout"] = "00:00:05",
            ["Jira:Http:TotalTimeout"] = "00:00:10",
            ["Jira:Http:RetryDelay"] = "00:00:00.010",
            ["Jira:Http:MaxRetryAfter"] = "00:00:05",
        };
        foreach (KeyValuePair<string, string?> setting in settings ?? new Dictionary<string, string?>())
        {
            values["Jira:Http:" + setting.Key] = setting.Value;
        }

        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddBackendHttpClient("jira", configuration.GetSection("Jira:Http"), "Test", "1.2.3")
            .ConfigureHttpClient(client => client.BaseAddress = baseAddress);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Client = _provider.GetRequiredService<IHttpClientFactory>().CreateClient("jira");
    }

    public CapturingLoggerProvider Logs { get; } = new();

    public HttpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        _provider.Dispose();
    }
}

using McpServers.Crm.Backend.Salesforce;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Tests.SalesforceSignIn;

/// <summary>
/// The Salesforce authentication as the server registers it (<see cref="SalesforceAuth.AddSalesforceAuth"/> on the
/// provider's backend client), and one REST call sent the way the gateway sends: to the instance
/// <see cref="ISalesforceInstance"/> names, through the shared send path, a 401 mapped to its session message.
/// </summary>
internal static class SalesforceAuthServices
{
    public static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new SecretRedactor());
        services.AddSingleton(CrmServer.Identity);
        services.AddBackendHttpClient(SalesforceAuth.HttpClientName, configuration.GetSection("Salesforce:Http"), "Crm", "1.0.0");
        services.AddSalesforceAuth(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>GET <see cref="SalesforceOrgFake.LimitsPath"/> on the org; the body, or a <see cref="BackendException"/>.</summary>
    public static async Task<string> CallApiAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ISalesforceInstance instance = services.GetRequiredService<ISalesforceInstance>();
        Uri origin = await instance.GetAsync(cancellationToken);
        HttpClient http = services.GetRequiredService<IHttpClientFactory>().CreateClient(SalesforceAuth.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(origin, SalesforceOrgFake.LimitsPath));
        request.Options.Set(BackendHttp.BaseAddress, origin);
        using HttpResponseMessage response = await http.SendToBackendAsync(request, "Salesforce", (failed, _) => Task.FromResult<Exception?>(
            failed.StatusCode == System.Net.HttpStatusCode.Unauthorized ? new BackendException(BackendErrorKind.Unauthorized, instance.SessionRefusedMessage) : null),
            cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}

using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using McpServers.Shared.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Testing.OAuth;

/// <summary>
/// The shared user sign-in as a server registers it (section <c>Test:OAuth</c>, backend client <c>Test</c>), pointed
/// at a <see cref="FakeAuthorizationServer"/>, with the sign-in kept in <paramref name="tokenFile"/>.
/// </summary>
public static class SignInServices
{
    public const string Section = "Test:OAuth";
    public const string Backend = "Test";

    public static ServiceProvider Build(FakeAuthorizationServer server, string tokenFile, TimeProvider? time = null,
        IReadOnlyDictionary<string, string?>? extra = null, OAuthDialect? dialect = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var settings = new Dictionary<string, string?>
        {
            [Section + ":ClientId"] = FakeAuthorizationServer.ClientId,
            [Section + ":ClientSecret"] = server.ClientSecret,
            [Section + ":AuthorizationEndpoint"] = server.AuthorizationEndpoint.ToString(),
            [Section + ":TokenEndpoint"] = server.TokenEndpoint.ToString(),
            [Section + ":DeviceAuthorizationEndpoint"] = server.DeviceAuthorizationEndpoint.ToString(),
            [Section + ":RevocationEndpoint"] = server.RevocationEndpoint.ToString(),
            [Section + ":Scopes"] = "read write offline_access",
            [Section + ":TokenFile"] = tokenFile,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSingleton(new SecretRedactor());
        services.AddSingleton(new ServerIdentity
        {
            Name = "mcp-test",
            Title = "Test",
            Description = "Test",
            Instructions = "Test",
            EnvironmentPrefix = "MCP_TEST__",
            Version = "1.0.0",
        });
        services.AddBackendHttpClient(Backend, configuration.GetSection("Test:Http"), "Test", "1.0.0");
        services.AddUserSignIn(new UserSignInRegistration(Backend, Section, Backend, tokenFile, Dialect: dialect));
        return services.BuildServiceProvider();
    }
}

using McpServers.Shared.Credentials;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>
/// How the server authenticates to Salesforce and finds the org's API host (<see cref="ISalesforceInstance"/>): exactly
/// one of the user sign-in (<c>mcp-crm login</c>: OAuth 2.0 web-server flow with PKCE, <c>Salesforce:OAuth</c>), the
/// client-credentials flow of a connected app's integration user (<c>Salesforce:ClientCredentials</c>), or an access
/// token from the environment (quick trials). A 401 (<c>INVALID_SESSION_ID</c>) makes the OAuth credential drop the
/// token and send the request once more with a renewed one (the shared credential handler); the gateway's error hook
/// then says <see cref="ISalesforceInstance.SessionRefusedMessage"/>. The backend HTTP client itself
/// (<see cref="HttpClientName"/>) is registered by the provider (<c>SalesforceRegistration</c>).
/// </summary>
public static class SalesforceAuth
{
    /// <summary>The backend HTTP client the gateway sends with; the credential is attached to it.</summary>
    public const string HttpClientName = "Salesforce";

    private const string System = "Salesforce";

    /// <summary>
    /// Salesforce's OAuth beyond the RFCs. Every token answer names the org's API host (<c>instance_url</c>), which a
    /// later process needs too. Its device flow (Salesforce Help "OAuth 2.0 Device Flow for IoT Integration") asks for a
    /// code at the token endpoint with <c>response_type=device_code</c>, and polls with <c>grant_type=device</c> and the
    /// device code as <c>code</c> (parameter names as in Salesforce's Postman collection: secondary source).
    /// </summary>
    internal static readonly OAuthDialect Dialect = new()
    {
        KeptFields = [SalesforceAuthInstance.InstanceUrlField],
        DeviceAuthorizationParameters = new Dictionary<string, string> { ["response_type"] = "device_code" },
        DeviceGrantType = "device",
        DeviceCodeParameter = "code",
    };

    public static readonly SettingHelp[] Settings =
    [
        new SettingHelp("Salesforce:InstanceUrl", "The org's My Domain address, e.g. https://yourcompany.my.salesforce.com; required with a client-credentials app or an access token, optional with the sign-in (whose answer names it); when set, the API is only ever called here; also SALESFORCE_INSTANCE_URL."),
        new SettingHelp("Salesforce:LoginUrl", "Where users sign in: https://test.salesforce.com for sandboxes, or the org's My Domain; also SALESFORCE_LOGIN_URL.", SalesforceAuthOptions.DefaultLoginUrl),
        new SettingHelp("Salesforce:OAuth:ClientId", "Connected app consumer key: act as the user who ran `mcp-crm login` (web-server flow with PKCE; callback http://127.0.0.1:<port>/callback)."),
        new SettingHelp("Salesforce:OAuth:ClientSecret", "Connected app consumer secret, when the app requires it for the web-server flow.", Secret: true),
        new SettingHelp("Salesforce:OAuth:Scopes", "Space-separated scopes; keep refresh_token.", SalesforceAuthOptions.DefaultScopes),
        new SettingHelp("Salesforce:OAuth:AuthorizationEndpoint", "Overrides the sign-in address.", "<LoginUrl>/services/oauth2/authorize"),
        new SettingHelp("Salesforce:OAuth:TokenEndpoint", "Overrides the token address.", "<LoginUrl>/services/oauth2/token"),
        new SettingHelp("Salesforce:OAuth:RevocationEndpoint", "`mcp-crm logout` revokes the sign-in here.", "<LoginUrl>/services/oauth2/revoke"),
        new SettingHelp("Salesforce:OAuth:DeviceAuthorizationEndpoint", "Where `mcp-crm login --device-code` asks for a code (Salesforce's device flow; enable it on the connected app).", "<TokenEndpoint>"),
        new SettingHelp("Salesforce:OAuth:AuthorizeParameters:<name>", "Another parameter for the sign-in address, e.g. prompt=login."),
        new SettingHelp("Salesforce:OAuth:Audience", "The audience parameter of the sign-in address (not used by Salesforce)."),
        new SettingHelp("Salesforce:OAuth:RedirectPort", "Loopback port of the callback http://127.0.0.1:<port>/callback registered with the app (0: any free port).", "0"),
        new SettingHelp("Salesforce:OAuth:TokenFile", "Where login stores the sign-in (user-only permissions).", "<local app data>/mcp-crm/salesforce-refresh-token"),
        new SettingHelp("Salesforce:ClientCredentials:ClientId", "Connected app consumer key for the client-credentials flow: act as the app's integration (run-as) user; needs Salesforce:InstanceUrl."),
        new SettingHelp("Salesforce:ClientCredentials:ClientSecret", "Connected app consumer secret for the client-credentials flow.", Secret: true),
        new SettingHelp("Salesforce:AccessToken", "An access (session) token for quick trials, with Salesforce:InstanceUrl; it expires with the session; also SALESFORCE_ACCESS_TOKEN.", Secret: true),
    ];

    public static readonly EnvironmentAlias[] Aliases =
    [
        new EnvironmentAlias("SALESFORCE_INSTANCE_URL", "Salesforce:InstanceUrl"),
        new EnvironmentAlias("SALESFORCE_LOGIN_URL", "Salesforce:LoginUrl"),
        new EnvironmentAlias("SALESFORCE_ACCESS_TOKEN", "Salesforce:AccessToken"),
    ];

    /// <summary>
    /// Registers the authentication settings (validated at start), the user sign-in (and so <c>login</c>, <c>logout</c>,
    /// <c>whoami</c>), the credential of <see cref="HttpClientName"/> and <see cref="ISalesforceInstance"/>.
    /// </summary>
    public static IServiceCollection AddSalesforceAuth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSettings<SalesforceAuthOptions>(configuration, SalesforceAuthOptions.Section, new SalesforceAuthOptionsValidator())
            .Bind(configuration.GetSection(SalesforceAuthOptions.Section));
        services.AddUserSignIn(new UserSignInRegistration(System, SalesforceAuthOptions.OAuthSection, HttpClientName,
            CredentialServiceCollectionExtensions.LocalTokenFile("mcp-crm", "salesforce-refresh-token"), SalesforceAuthOptions.DefaultScopes,
            options => SalesforceAuthOptions.ApplyDefaults(options, SalesforceInstanceRule.Configured(
                configuration[SalesforceAuthOptions.Section + ":LoginUrl"] is { Length: > 0 } login ? login : SalesforceAuthOptions.DefaultLoginUrl)),
            Dialect: Dialect));
        services.AddSingleton(Create);
        services.AddBackendCredential(HttpClientName, sp => sp.GetRequiredService<SalesforceCredential>().Credential);
        services.AddSingleton<ISalesforceInstance>(sp => sp.GetRequiredService<SalesforceCredential>().Instance);
        return services;
    }

    private static SalesforceCredential Create(IServiceProvider services)
    {
        SalesforceAuthOptions options = services.GetRequiredService<SalesforceAuthOptions>();
        TimeProvider time = services.GetRequiredService<TimeProvider>();
        SecretRedactor redactor = services.GetRequiredService<SecretRedactor>();
        Uri? instance = options.Instance();
        switch (options.Mode())
        {
            case SalesforceAuthMode.SignIn:
                OAuthCredential signedIn = services.GetRequiredService<OAuthCredential>();
                bool loopback = Uri.TryCreate(services.GetRequiredService<UserSignIn>().Options.TokenEndpoint, UriKind.Absolute, out Uri? token) && token.IsLoopback;
                return new SalesforceCredential(signedIn, new SalesforceAuthInstance(instance, signedIn, loopback,
                    "Salesforce did not accept the signed-in user's session (INVALID_SESSION_ID), even after renewing it; run `mcp-crm login` to sign in again."), Owned: null);
            case SalesforceAuthMode.ClientCredentials when instance is not null:
                // Salesforce issues client-credentials tokens at the org's own My Domain, not at the login host.
                var client = new OAuthTokenClient(services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
                    new OAuthClientOptions
                    {
                        ClientId = options.ClientCredentials.ClientId,
                        ClientSecret = options.ClientCredentials.ClientSecret,
                        TokenEndpoint = new Uri(instance, "services/oauth2/token").ToString(),
                    },
                    new OAuthMessages(System, "Salesforce:ClientCredentials", null), redactor, Dialect);
                var integration = new OAuthCredential(new ClientCredentialsSource(client, time), time);
                return new SalesforceCredential(integration, new SalesforceAuthInstance(instance, integration, instance.IsLoopback,
                    $"Salesforce did not accept the integration user's session (INVALID_SESSION_ID), even with a new token; an administrator should check the connected app's run-as user and {SalesforceAuthOptions.ClientIdSetting}."),
                    Owned: integration);
            case SalesforceAuthMode.AccessToken when instance is not null:
                redactor.Add(options.AccessToken);
                return new SalesforceCredential(new BearerCredential(options.AccessToken!, System), new SalesforceAuthInstance(instance, null, false,
                    $"Salesforce did not accept the access token (INVALID_SESSION_ID: the session expired or was ended); set a new one in {SalesforceAuthOptions.AccessTokenSetting}, or set up the sign-in ({SalesforceAuthOptions.SignInSetting}, then `mcp-crm login`)."),
                    Owned: null);
            default:
                // Unreachable after the start-up validation, which names the settings.
                throw new ConfigurationException(string.Join(" ", SalesforceAuthOptionsValidator.Check(options)));
        }
    }
}

/// <summary>The Salesforce credential and the org address that goes with it.</summary>
internal sealed record SalesforceCredential(ICredential Credential, ISalesforceInstance Instance, IDisposable? Owned) : IDisposable
{
    public void Dispose() => Owned?.Dispose();
}

using McpServers.Shared.Credentials;
using Microsoft.Extensions.Options;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>How the server authenticates to Salesforce: exactly one, chosen by which settings are given.</summary>
public enum SalesforceAuthMode
{
    /// <summary><c>Salesforce:OAuth:ClientId</c>: the user who ran <c>mcp-crm login</c> (web-server flow with PKCE).</summary>
    SignIn,

    /// <summary><c>Salesforce:ClientCredentials:ClientId</c>: the connected app's integration ("run-as") user.</summary>
    ClientCredentials,

    /// <summary><c>Salesforce:AccessToken</c>: a session token from the environment, for quick trials.</summary>
    AccessToken,
}

/// <summary>
/// The authentication settings under <c>Salesforce:</c> (the rest of the provider's settings live in its own options).
/// The user sign-in's OAuth client is <c>Salesforce:OAuth</c> (the shared <see cref="OAuthClientOptions"/>); its
/// endpoints default to <see cref="LoginUrl"/>'s <c>/services/oauth2/…</c>.
/// </summary>
public sealed class SalesforceAuthOptions
{
    public const string Section = "Salesforce";
    public const string OAuthSection = "Salesforce:OAuth";
    public const string DefaultLoginUrl = "https://login.salesforce.com";

    /// <summary><c>api</c> for the REST API, <c>refresh_token</c> so that a sign-in outlives the session.</summary>
    public const string DefaultScopes = "api refresh_token";

    internal const string InstanceUrlSetting = "SALESFORCE_INSTANCE_URL (Salesforce:InstanceUrl)";
    internal const string LoginUrlSetting = "SALESFORCE_LOGIN_URL (Salesforce:LoginUrl)";
    internal const string AccessTokenSetting = "SALESFORCE_ACCESS_TOKEN (Salesforce:AccessToken)";
    internal const string ClientIdSetting = "Salesforce:ClientCredentials:ClientId";
    internal const string ClientSecretSetting = "Salesforce:ClientCredentials:ClientSecret";
    internal const string SignInSetting = "Salesforce:OAuth:ClientId";

    /// <summary>The org's address (My Domain). When set, the API is always called here, whatever a token response says.</summary>
    public string? InstanceUrl { get; set; }

    /// <summary>Where users sign in: login.salesforce.com, test.salesforce.com for sandboxes, or the org's My Domain.</summary>
    public string? LoginUrl { get; set; }

    /// <summary>A session token for quick trials; it expires with the session.</summary>
    public string? AccessToken { get; set; }

    /// <summary>The OAuth client-credentials flow: the connected app acts as its integration user.</summary>
    public SalesforceClientCredentialsOptions ClientCredentials { get; set; } = new();

    /// <summary>The user sign-in's client, read here only to tell which way was chosen and to check it at start.</summary>
    public OAuthClientOptions OAuth { get; set; } = new();

    /// <summary>The chosen way; null when none or more than one is given (the validator says which).</summary>
    public SalesforceAuthMode? Mode() => Chosen() is [var only] ? only : null;

    /// <summary><see cref="InstanceUrl"/> as an origin, when it is set and well-formed.</summary>
    public Uri? Instance() => SalesforceInstanceRule.Configured(InstanceUrl);

    /// <summary><see cref="LoginUrl"/> (or its default) as an origin, when well-formed.</summary>
    public Uri? Login() => SalesforceInstanceRule.Configured(string.IsNullOrWhiteSpace(LoginUrl) ? DefaultLoginUrl : LoginUrl);

    internal List<SalesforceAuthMode> Chosen()
    {
        var chosen = new List<SalesforceAuthMode>();
        if (OAuth.IsConfigured)
        {
            chosen.Add(SalesforceAuthMode.SignIn);
        }

        if (!string.IsNullOrWhiteSpace(ClientCredentials.ClientId))
        {
            chosen.Add(SalesforceAuthMode.ClientCredentials);
        }

        if (!string.IsNullOrWhiteSpace(AccessToken))
        {
            chosen.Add(SalesforceAuthMode.AccessToken);
        }

        return chosen;
    }

    /// <summary>
    /// The user sign-in's client with Salesforce's defaults filled in: the endpoints under the login host (the device
    /// flow's at the token endpoint).
    /// </summary>
    internal static void ApplyDefaults(OAuthClientOptions options, Uri? login)
    {
        options.AuthorizationEndpoint = Or(options.AuthorizationEndpoint, "services/oauth2/authorize");
        options.TokenEndpoint = Or(options.TokenEndpoint, "services/oauth2/token");
        options.RevocationEndpoint = Or(options.RevocationEndpoint, "services/oauth2/revoke");
        // Salesforce's device flow starts at the token endpoint itself (see SalesforceAuth.Dialect).
        options.DeviceAuthorizationEndpoint = string.IsNullOrWhiteSpace(options.DeviceAuthorizationEndpoint) ? options.TokenEndpoint : options.DeviceAuthorizationEndpoint;

        // A malformed login address has no defaults: the start-up check names it.
        string? Or(string? value, string path) => string.IsNullOrWhiteSpace(value) && login is not null ? new Uri(login, path).ToString() : value;
    }

    /// <summary>Never prints a secret.</summary>
    public override string ToString() => $"SalesforceAuthOptions {{ Mode = {Mode()}, InstanceUrl = {InstanceUrl}, LoginUrl = {LoginUrl} }}";
}

/// <summary><c>Salesforce:ClientCredentials:</c>, the connected app of the integration user.</summary>
public sealed class SalesforceClientCredentialsOptions
{
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Never prints the client secret.</summary>
    public override string ToString() => $"SalesforceClientCredentialsOptions {{ ClientId = {ClientId} }}";
}

/// <summary>Start-up checks: one way to authenticate, with what it needs; every message names the setting to fix.</summary>
internal sealed class SalesforceAuthOptionsValidator : IValidateOptions<SalesforceAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, SalesforceAuthOptions options)
    {
        IReadOnlyList<string> problems = Check(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IReadOnlyList<string> Check(SalesforceAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        Url(options.InstanceUrl, SalesforceAuthOptions.InstanceUrlSetting, "the org's My Domain address, e.g. https://yourcompany.my.salesforce.com");
        Url(options.LoginUrl, SalesforceAuthOptions.LoginUrlSetting, "e.g. https://login.salesforce.com, https://test.salesforce.com or the org's My Domain");
        List<SalesforceAuthMode> chosen = options.Chosen();
        if (chosen.Count == 0)
        {
            problems.Add($"Salesforce needs one way to authenticate: {SalesforceAuthOptions.SignInSetting} (users sign in with `mcp-crm login`), " +
                $"{SalesforceAuthOptions.ClientIdSetting} and {SalesforceAuthOptions.ClientSecretSetting} with {SalesforceAuthOptions.InstanceUrlSetting} " +
                $"(a connected app's integration user), or {SalesforceAuthOptions.AccessTokenSetting} with {SalesforceAuthOptions.InstanceUrlSetting} (quick trials).");
        }
        else if (chosen.Count > 1)
        {
            problems.Add($"Set only one way to authenticate to Salesforce; now {string.Join(" and ", chosen.Select(Setting))} are all set.");
        }

        if (chosen.Contains(SalesforceAuthMode.ClientCredentials) && string.IsNullOrWhiteSpace(options.ClientCredentials.ClientSecret))
        {
            problems.Add($"{SalesforceAuthOptions.ClientSecretSetting} is required with {SalesforceAuthOptions.ClientIdSetting} (the connected app's consumer secret).");
        }

        if ((chosen.Contains(SalesforceAuthMode.ClientCredentials) || chosen.Contains(SalesforceAuthMode.AccessToken)) && string.IsNullOrWhiteSpace(options.InstanceUrl))
        {
            problems.Add($"{SalesforceAuthOptions.InstanceUrlSetting} is required with {Setting(chosen.Contains(SalesforceAuthMode.AccessToken) ? SalesforceAuthMode.AccessToken : SalesforceAuthMode.ClientCredentials)} " +
                "(the org's My Domain address, e.g. https://yourcompany.my.salesforce.com).");
        }

        if (chosen is [SalesforceAuthMode.SignIn])
        {
            var effective = new OAuthClientOptions
            {
                ClientId = options.OAuth.ClientId,
                AuthorizationEndpoint = options.OAuth.AuthorizationEndpoint,
                TokenEndpoint = options.OAuth.TokenEndpoint,
                DeviceAuthorizationEndpoint = options.OAuth.DeviceAuthorizationEndpoint,
                RevocationEndpoint = options.OAuth.RevocationEndpoint,
                RedirectPort = options.OAuth.RedirectPort,
                AuthorizeParameters = options.OAuth.AuthorizeParameters,
            };
            SalesforceAuthOptions.ApplyDefaults(effective, options.Login());
            problems.AddRange(effective.Problems(SalesforceAuthOptions.OAuthSection, userSignIn: true));
        }

        return problems;

        void Url(string? value, string setting, string example)
        {
            if (!string.IsNullOrWhiteSpace(value) && SalesforceInstanceRule.Configured(value) is null)
            {
                problems.Add($"{setting} must be an https address without a path ({example}); http only on 127.0.0.1.");
            }
        }
    }

    private static string Setting(SalesforceAuthMode mode) => mode switch
    {
        SalesforceAuthMode.SignIn => SalesforceAuthOptions.SignInSetting,
        SalesforceAuthMode.ClientCredentials => SalesforceAuthOptions.ClientIdSetting,
        _ => SalesforceAuthOptions.AccessTokenSetting,
    };
}

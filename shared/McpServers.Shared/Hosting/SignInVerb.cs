using McpServers.Shared.Credentials;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Shared.Hosting;

/// <summary>
/// <c>login [--device-code] [--no-browser]</c>, <c>logout</c>, <c>whoami</c>: the sign-in verbs, for a server that
/// declares a user sign-in (<see cref="CredentialServiceCollectionExtensions.AddUserSignIn"/>). The first argument
/// names the verb; the rest are the usual <c>--config</c> / <c>--set</c> options. Everything goes to stderr.
/// </summary>
internal sealed record SignInVerb(string Name, bool DeviceCode, bool NoBrowser)
{
    internal static readonly (string Usage, string Help)[] Help =
    [
        ("login", "Sign in in the browser (OAuth 2.0 with PKCE); --device-code on a machine without a browser, --no-browser to only print the address."),
        ("logout", "Remove the stored sign-in (and revoke it where the provider allows)."),
        ("whoami", "Show who the server acts as, until when, with which scopes; exit code 1 when no one is signed in."),
    ];

    /// <summary>The verb and the remaining arguments; null when <paramref name="args"/> does not start with one.</summary>
    public static (SignInVerb? Verb, string[] Others) Parse(string[] args)
    {
        if (args is not [("login" or "logout" or "whoami") and var name, .. var rest])
        {
            return (null, args);
        }

        bool device = name == "login" && rest.Contains("--device-code", StringComparer.Ordinal);
        bool noBrowser = name == "login" && rest.Contains("--no-browser", StringComparer.Ordinal);
        return (new SignInVerb(name, device, noBrowser), [.. rest.Where(a => name != "login" || a is not ("--device-code" or "--no-browser"))]);
    }

    public static bool IsAvailable(IServiceCollection services) => services.Any(d => d.ServiceType == typeof(UserSignInRegistration));

    public async Task<int> RunAsync(IServiceProvider services, ServerIdentity identity, TextWriter output, CancellationToken cancellationToken)
    {
        if (services.GetService<UserSignInRegistration>() is not { } registration)
        {
            await output.WriteLineAsync($"{identity.Name} {Name}: this server has no user sign-in; its credentials are settings (see {identity.Name} --help).");
            return 2;
        }

        UserSignIn signIn;
        try
        {
            signIn = services.GetRequiredService<UserSignIn>();
        }
        catch (ConfigurationException e)
        {
            string hint = string.IsNullOrWhiteSpace(services.GetRequiredService<IConfiguration>()[registration.Section + ":ClientId"])
                ? $"user sign-in is not configured; set {registration.Section}:ClientId, {registration.Section}:AuthorizationEndpoint and {registration.Section}:TokenEndpoint."
                : e.Message;
            await output.WriteLineAsync($"{identity.Name} {Name}: {services.GetRequiredService<SecretRedactor>().Redact(hint)}");
            return 2;
        }

        return Name switch
        {
            "login" when DeviceCode => await SignInCommands.LoginWithDeviceCodeAsync(signIn, output, services.GetRequiredService<TimeProvider>(), cancellationToken),
            "login" => await SignInCommands.LoginAsync(signIn, output, NoBrowser ? null : SignInCommands.OpenSystemBrowser, cancellationToken),
            "logout" => await SignInCommands.LogoutAsync(signIn, output, cancellationToken),
            _ => await SignInCommands.WhoAmIAsync(signIn, services.GetRequiredService<OAuthCredential>(), output, cancellationToken),
        };
    }
}

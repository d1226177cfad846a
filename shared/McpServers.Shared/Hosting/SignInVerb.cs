using McpServers.Shared.Credentials;
using McpServers.Shared.Text;
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
    /// <summary>
    /// The backend to sign in to (<c>login Confluence</c>), for a server that signs in to several; null: the server's one.
    /// </summary>
    public string? Backend { get; init; }

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

        // A word right after the verb (not an option) names the backend: `login SharePoint`.
        string? backend = rest is [var first, ..] && !first.StartsWith('-') ? first : null;
        rest = backend is null ? rest : rest[1..];
        bool device = name == "login" && rest.Contains("--device-code", StringComparer.Ordinal);
        bool noBrowser = name == "login" && rest.Contains("--no-browser", StringComparer.Ordinal);
        return (new SignInVerb(name, device, noBrowser) { Backend = backend },
            [.. rest.Where(a => name != "login" || a is not ("--device-code" or "--no-browser"))]);
    }

    public static bool IsAvailable(IServiceCollection services) => services.Any(d => d.ServiceType == typeof(UserSignInRegistration));

    public async Task<int> RunAsync(IServiceProvider services, ServerIdentity identity, TextWriter output, CancellationToken cancellationToken)
    {
        UserSignInRegistration[] registrations = [.. services.GetServices<UserSignInRegistration>().DistinctBy(r => r.Backend, StringComparer.Ordinal)];
        if (registrations.Length == 0)
        {
            await output.WriteLineAsync($"{identity.Name} {Name}: this server has no user sign-in; its credentials are settings (see {identity.Name} --help).");
            return 2;
        }

        UserSignInRegistration? registration = Backend is null
            ? (registrations.Length == 1 ? registrations[0] : null)
            : registrations.FirstOrDefault(r => r.Backend.Equals(Backend, StringComparison.OrdinalIgnoreCase));
        if (registration is null)
        {
            string names = string.Join(" or ", registrations.Select(r => r.Backend));
            await output.WriteLineAsync(Backend is null
                ? $"{identity.Name} {Name}: this server signs in to {names}; name one: {identity.Name} {Name} {registrations[0].Backend}."
                : $"{identity.Name} {Name}: no sign-in to '{TextHygiene.CleanAndTruncate(Backend, 100)}' here; this server signs in to {names}.");
            return 2;
        }

        UserSignIn signIn;
        try
        {
            signIn = services.GetRequiredKeyedService<UserSignIn>(registration.Backend);
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
            _ => await SignInCommands.WhoAmIAsync(signIn, services.GetRequiredKeyedService<OAuthCredential>(registration.Backend), output, cancellationToken),
        };
    }
}

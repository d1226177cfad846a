using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpServers.Shared.Credentials;

/// <summary>A server's declaration that it signs users in (and so offers <c>login</c>, <c>logout</c>, <c>whoami</c>).</summary>
/// <param name="Backend">The backend as users know it, e.g. <c>CRM</c>.</param>
/// <param name="Section">The OAuth settings section, e.g. <c>Crm:OAuth</c>.</param>
/// <param name="HttpClientName">The backend client whose transport settings (proxy, CA bundle) the token requests use.</param>
/// <param name="DefaultTokenFile">Where the sign-in is kept unless <c>Section:TokenFile</c> says otherwise.</param>
/// <param name="DefaultScopes">The scopes asked for unless <c>Section:Scopes</c> says otherwise.</param>
/// <param name="Configure">The provider's quirks, applied to the options as read (e.g. an authorize parameter it needs).</param>
/// <param name="Dialect">What the provider's authorization server does beyond the RFCs (fields to keep, its device grant).</param>
/// <param name="PerCaller">
/// Whether the server can serve each HTTP caller with their own sign-in (<c>Service:BackendIdentity=PerUser</c>): true
/// only when nothing about the signed-in account is kept per process (e.g. a cached "who am I").
/// </param>
public sealed record UserSignInRegistration(string Backend, string Section, string HttpClientName, string DefaultTokenFile,
    string? DefaultScopes = null, Action<OAuthClientOptions>? Configure = null, OAuthDialect? Dialect = null, bool PerCaller = false);

public static class CredentialServiceCollectionExtensions
{
    /// <summary>
    /// Authenticates the backend client <paramref name="httpClientName"/> with the credential <paramref name="factory"/>
    /// builds (null: no credential), applied by the client's credential handler to every attempt.
    /// </summary>
    public static IServiceCollection AddBackendCredential(this IServiceCollection services, string httpClientName,
        Func<IServiceProvider, ICredential?> factory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(httpClientName);
        ArgumentNullException.ThrowIfNull(factory);
        return services.AddKeyedSingleton<CredentialSlot>(httpClientName, (sp, _) => new CredentialSlot(factory(sp)));
    }

    /// <summary>
    /// Declares user sign-in (OAuth 2.0 authorization code + PKCE, or device code) with the client settings under
    /// <see cref="UserSignInRegistration.Section"/>; the host then offers <c>login</c>, <c>logout</c> and <c>whoami</c>.
    /// <see cref="UserSignIn"/> and its <see cref="OAuthCredential"/> resolve only when the section has a client id; they
    /// are also keyed by <see cref="UserSignInRegistration.Backend"/>, for a server that signs in to several backends.
    /// </summary>
    public static IServiceCollection AddUserSignIn(this IServiceCollection services, UserSignInRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registration);
        services.AddSingleton(registration);
        services.AddSettingsSection<OAuthClientOptions>(registration.Section);
        services.AddKeyedSingleton(registration.Backend, (sp, _) =>
        {
            OAuthTokenClient client = TokenClient(sp, registration);
            string file = string.IsNullOrWhiteSpace(client.Options.TokenFile) ? registration.DefaultTokenFile : client.Options.TokenFile;
            return new UserSignIn(client, new FileRefreshTokenStore(file, sp.GetRequiredService<TimeProvider>()),
                new SignInKey(registration.Backend, Environment.UserName), sp.GetRequiredService<SecretRedactor>(), sp.GetRequiredService<TimeProvider>());
        });
        services.AddKeyedSingleton(registration.Backend, (sp, key) => new OAuthCredential(sp.GetRequiredKeyedService<UserSignIn>(key), sp.GetRequiredService<TimeProvider>()));
        // Unkeyed: the server's sign-in when it declares one. A server declaring several (one per backend) resolves
        // each by its Backend as the key, so no backend is ever sent another's token; the sign-in verbs then ask which.
        services.AddSingleton(sp => sp.GetRequiredKeyedService<UserSignIn>(registration.Backend));
        services.AddSingleton(sp => sp.GetRequiredKeyedService<OAuthCredential>(registration.Backend));
        return services;
    }

    /// <summary>The token client of <paramref name="registration"/>, its settings read and checked (names every problem).</summary>
    internal static OAuthTokenClient TokenClient(IServiceProvider sp, UserSignInRegistration registration)
    {
        IConfigurationSection section = sp.GetRequiredService<IConfiguration>().GetSection(registration.Section);
        OAuthClientOptions options = OAuthClientOptions.From(section);
        options.Scopes = string.IsNullOrWhiteSpace(options.Scopes) ? registration.DefaultScopes : options.Scopes;
        registration.Configure?.Invoke(options);
        IReadOnlyList<string> problems = options.Problems(registration.Section, userSignIn: true);
        if (problems.Count > 0)
        {
            throw new ConfigurationException(string.Join(" ", problems));
        }

        // A server that signs in to several backends names the one in its commands (`login Confluence`).
        string login = sp.GetRequiredService<ServerIdentity>().Name + " login"
            + (sp.GetServices<UserSignInRegistration>().Select(r => r.Backend).Distinct(StringComparer.Ordinal).Skip(1).Any() ? " " + registration.Backend : "");
        return new OAuthTokenClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(registration.HttpClientName), options,
            new OAuthMessages(registration.Backend, registration.Section, login), sp.GetRequiredService<SecretRedactor>(), registration.Dialect);
    }

    /// <summary><c>&lt;local app data&gt;/&lt;folder&gt;/&lt;file&gt;</c>: the user's own, not roamed.</summary>
    public static string LocalTokenFile(string folder, string file) => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), folder, file);
}

/// <summary>The credential of one backend client, possibly none.</summary>
internal sealed record CredentialSlot(ICredential? Credential);

using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.InternalApi.Options;

/// <summary>Start-up checks: every problem names the setting and what to put there.</summary>
public sealed class InternalApiOptionsValidator : IValidateOptions<InternalApiOptions>
{
    public ValidateOptionsResult Validate(string? name, InternalApiOptions options)
    {
        IReadOnlyList<string> problems = Check(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IReadOnlyList<string> Check(InternalApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Document))
        {
            problems.Add("Document: set the OpenAPI document (file path or URL), e.g. --openapi ./openapi.json.");
        }

        Uri? baseUrl = null;
        if (string.IsNullOrWhiteSpace(options.BaseUrl))
        {
            problems.Add("BaseUrl: set the service's base URL, e.g. --base-url https://inventory.internal/api/.");
        }
        else if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(baseUrl.Query) || !string.IsNullOrEmpty(baseUrl.Fragment) || !string.IsNullOrEmpty(baseUrl.UserInfo))
        {
            problems.Add("BaseUrl: must be an absolute http(s) URL without query, fragment or credentials.");
            baseUrl = null;
        }

        if (baseUrl is not null && Uri.TryCreate(options.Document, UriKind.Absolute, out Uri? document)
            && document.Scheme is "http" or "https"
            && (document.Scheme != baseUrl.Scheme || !string.Equals(document.Host, baseUrl.Host, StringComparison.OrdinalIgnoreCase) || document.Port != baseUrl.Port))
        {
            problems.Add("Document: a URL must be on the same scheme, host and port as BaseUrl; otherwise download it and give the file.");
        }

        if (options.ToolPrefix.Length > 16 || (options.ToolPrefix.Length > 0 && !IsSnakePrefix(options.ToolPrefix)))
        {
            problems.Add("ToolPrefix: at most 16 characters of lower-case letters, digits and underscores, starting with a letter (e.g. inventory_).");
        }

        if (options.MaxResponseBytes is < 1024 or > 16 * 1024 * 1024)
        {
            problems.Add("MaxResponseBytes: must be between 1024 and 16777216.");
        }

        if (options.ToolWarningThreshold < 1)
        {
            problems.Add("ToolWarningThreshold: must be at least 1.");
        }

        if (options.DocumentTimeout < TimeSpan.FromSeconds(1) || options.DocumentTimeout > TimeSpan.FromMinutes(5))
        {
            problems.Add("DocumentTimeout: must be between 00:00:01 and 00:05:00.");
        }

        problems.AddRange(CheckAuth(options.Auth));
        return problems;
    }

    private static IEnumerable<string> CheckAuth(AuthOptions auth)
    {
        // A credential the mode does not use would be silently ignored: the service then sees anonymous calls.
        AuthMode[] unused = [.. auth.CredentialModes().Where(m => m != auth.Mode)];
        if (unused.Length > 0)
        {
            string given = string.Join(", ", unused.Select(Setting));
            yield return (auth.Mode, unused.Length) switch
            {
                (AuthMode.None, 1) => $"Auth:Mode is None, but {given} is set: set Auth:Mode={unused[0]} (or leave Auth:Mode unset to infer it), or remove the credential.",
                (AuthMode.None, _) => $"Auth:Mode: credentials for more than one mode are set ({given}); set Auth:Mode to the one to use (ApiKey, Bearer, ClientCredentials or OAuth) and remove the others.",
                _ => $"Auth:Mode is {auth.Mode}, which does not use {given}; remove it, or set Auth:Mode to match.",
            };
        }

        switch (auth.Mode)
        {
            case AuthMode.ApiKey:
                if (string.IsNullOrEmpty(auth.ApiKey))
                {
                    yield return $"Auth:ApiKey: required with Auth:Mode=ApiKey; set {InternalApiOptions.EnvironmentPrefix}Auth__ApiKey or its _FILE.";
                }

                if (string.IsNullOrWhiteSpace(auth.ApiKeyName) || auth.ApiKeyName.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                {
                    yield return "Auth:ApiKeyName: a header or query parameter name without spaces.";
                }

                break;
            case AuthMode.Bearer:
                if (string.IsNullOrEmpty(auth.BearerToken))
                {
                    yield return $"Auth:BearerToken: required with Auth:Mode=Bearer; set {InternalApiOptions.EnvironmentPrefix}Auth__BearerToken or its _FILE.";
                }

                break;
            case AuthMode.ClientCredentials:
                if (!Uri.TryCreate(auth.TokenUrl, UriKind.Absolute, out Uri? token) || token.Scheme is not ("http" or "https"))
                {
                    yield return "Auth:TokenUrl: the OAuth 2.0 token endpoint (absolute http(s) URL) is required with Auth:Mode=ClientCredentials.";
                }

                if (string.IsNullOrEmpty(auth.ClientId) || string.IsNullOrEmpty(auth.ClientSecret))
                {
                    yield return $"Auth:ClientId and Auth:ClientSecret: required with Auth:Mode=ClientCredentials (the secret from {InternalApiOptions.EnvironmentPrefix}Auth__ClientSecret or its _FILE).";
                }

                break;
            case AuthMode.OAuth:
                foreach (string problem in auth.OAuth.Problems("Auth:OAuth", userSignIn: true))
                {
                    yield return problem;
                }

                break;
            default:
                break;
        }
    }

    private static string Setting(AuthMode mode) => mode switch
    {
        AuthMode.ApiKey => "Auth:ApiKey",
        AuthMode.Bearer => "Auth:BearerToken (INTERNAL_API_TOKEN)",
        AuthMode.OAuth => "Auth:OAuth:ClientId",
        _ => "Auth:ClientId/ClientSecret/TokenUrl",
    };

    private static bool IsSnakePrefix(string prefix) =>
        prefix[0] is >= 'a' and <= 'z' && prefix.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_');
}

public static class InternalApiOptionsServiceCollectionExtensions
{
    /// <summary>The configuration root into <see cref="InternalApiOptions"/> (and <c>Auth</c> into <see cref="AuthOptions"/>), checked at start.</summary>
    public static IServiceCollection AddInternalApiOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<InternalApiOptions>(configuration, "", new InternalApiOptionsValidator()).Bind(configuration)
            .PostConfigure(o => o.Complete(configuration));
        // Nested sections are registered too: NativeAOT keeps property metadata only for registered types.
        return services.AddSettingsSection<AuthOptions>("Auth");
    }
}

using McpServers.Shared.Credentials;
using McpServers.Shared.Errors;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>
/// Which API addresses the server accepts. The token response's <c>instance_url</c> decides where every query, every
/// write and the access token itself go, so it is untrusted input: a token endpoint an attacker controls (a mistyped
/// or hijacked <c>Salesforce:LoginUrl</c>, a proxy that rewrites answers) could otherwise send the user's session and
/// data to any host. The rule:
/// <list type="bullet">
/// <item><c>Salesforce:InstanceUrl</c>, when set, always wins; the token response's value is then ignored.</item>
/// <item>Otherwise <c>instance_url</c> must be <c>https</c> on the default port, with no user info, path, query or
/// fragment, and its host must be a name under <c>salesforce.com</c>, <c>force.com</c> or <c>salesforce.mil</c> (where
/// Salesforce serves orgs: My Domain, sandboxes, Government Cloud); an IP address or any other name is refused before
/// anything is sent, and the message says to set <c>Salesforce:InstanceUrl</c>.</item>
/// <item>A loopback address (http or https) is accepted only when the token endpoint itself is on loopback: a local
/// test authorization server, which cannot point a real sign-in elsewhere.</item>
/// </list>
/// The rule is applied each time the address is used, so a stored sign-in that was edited is held to it as well.
/// </summary>
public static class SalesforceInstanceRule
{
    private static readonly string[] Domains = ["salesforce.com", "force.com", "salesforce.mil"];

    /// <summary>An administrator's address (<c>Salesforce:InstanceUrl</c>, <c>Salesforce:LoginUrl</c>) as an origin; null when malformed.</summary>
    public static Uri? Configured(string? text) =>
        Origin(text) is { } uri && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)) ? uri : null;

    /// <summary>
    /// A token response's <c>instance_url</c> as an origin, or null when the rule refuses it.
    /// </summary>
    /// <param name="loopbackTokenEndpoint">The sign-in's token endpoint is on this machine (a test's authorization server).</param>
    public static Uri? FromTokenResponse(string? text, bool loopbackTokenEndpoint)
    {
        if (Origin(text) is not { } uri)
        {
            return null;
        }

        if (uri.IsLoopback)
        {
            return loopbackTokenEndpoint ? uri : null;
        }

        string host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        return uri.Scheme == Uri.UriSchemeHttps && uri.IsDefaultPort && uri.HostNameType == UriHostNameType.Dns
            && Domains.Any(d => host.EndsWith("." + d, StringComparison.Ordinal))
            ? uri
            : null;
    }

    /// <summary>Scheme, host and port of an absolute http(s) address that has nothing else (a trailing slash at most).</summary>
    private static Uri? Origin(string? text) =>
        Uri.TryCreate(text?.Trim(), UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.UserInfo.Length == 0 && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? new Uri(uri.GetLeftPart(UriPartial.Authority) + "/")
            : null;
}

/// <summary>
/// The org address for the gateway: the configured one, or the one the current access token came with (sign-in or
/// client credentials), held to <see cref="SalesforceInstanceRule"/>.
/// </summary>
internal sealed class SalesforceAuthInstance(Uri? configured, OAuthCredential? credential, bool loopbackTokenEndpoint, string sessionRefused)
    : ISalesforceInstance
{
    internal const string InstanceUrlField = "instance_url";

    public string SessionRefusedMessage => sessionRefused;

    public async ValueTask<Uri> GetAsync(CancellationToken cancellationToken)
    {
        if (configured is not null)
        {
            return configured;
        }

        if (credential is null)
        {
            throw new BackendException(BackendErrorKind.Unauthorized,
                $"The Salesforce org is not known: set {SalesforceAuthOptions.InstanceUrlSetting} or run `mcp-crm login`.");
        }

        AccessToken token = await credential.CurrentAsync(cancellationToken);
        if (token.Fields?.GetValueOrDefault(InstanceUrlField) is not { } reported)
        {
            throw new BackendException(BackendErrorKind.Unauthorized,
                $"The Salesforce sign-in did not say which org it is for; run `mcp-crm login` again, or an administrator sets {SalesforceAuthOptions.InstanceUrlSetting} to the org's My Domain address.");
        }

        return SalesforceInstanceRule.FromTokenResponse(reported, loopbackTokenEndpoint)
            ?? throw new BackendException(BackendErrorKind.Unauthorized,
                "The Salesforce sign-in named an API address that is not a Salesforce https host, so nothing was sent there. An administrator should check " +
                $"{SalesforceAuthOptions.LoginUrlSetting} and {SalesforceAuthOptions.OAuthSection}:TokenEndpoint, or set {SalesforceAuthOptions.InstanceUrlSetting} to the org's My Domain address.",
                new InvalidOperationException("instance_url refused by SalesforceInstanceRule"));
    }
}

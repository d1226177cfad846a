using System.Text;
using McpServers.Shared.Http;

namespace McpServers.Shared.Credentials;

/// <summary>HTTP Basic (RFC 7617), e.g. an account e-mail with an API token.</summary>
public sealed class BasicCredential(string userName, string password, string system) : ICredential
{
    private readonly string _encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(userName + ":" + password));

    public ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = BackendHttp.Authorization("Basic", _encoded, system);
        return ValueTask.CompletedTask;
    }

    public bool Refused(HttpRequestMessage request) => false;
}

/// <summary>A fixed bearer token (RFC 6750): a personal access token, or a user's own API token.</summary>
public sealed class BearerCredential(string token, string system) : ICredential
{
    public ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = BackendHttp.Authorization("Bearer", token, system);
        return ValueTask.CompletedTask;
    }

    public bool Refused(HttpRequestMessage request) => false;
}

public enum ApiKeyLocation
{
    Header,
    Query,
}

/// <summary>An API key in a header (e.g. <c>X-API-Key</c>) or a query parameter.</summary>
public sealed class ApiKeyCredential(string name, string key, ApiKeyLocation location, string system) : ICredential
{
    public ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (location == ApiKeyLocation.Header)
        {
            if (!BackendHttp.IsValidHeaderValue(key))
            {
                // The same refusal as for an Authorization header: the key never reaches the wire or a message.
                _ = BackendHttp.Authorization("ApiKey", key, system);
            }

            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, key);
            return ValueTask.CompletedTask;
        }

        // Every attempt passes here: the parameter is added once, however often the request is sent.
        string parameter = Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(key);
        Uri uri = request.RequestUri!;
        string query = uri.Query.TrimStart('?');
        if (!query.Split('&').Contains(parameter, StringComparer.Ordinal))
        {
            request.RequestUri = new Uri(uri.OriginalString + (query.Length == 0 ? "?" : "&") + parameter,
                new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        }

        return ValueTask.CompletedTask;
    }

    public bool Refused(HttpRequestMessage request) => false;
}

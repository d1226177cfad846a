using System.Net;
using McpServers.Shared.Http;

namespace McpServers.Shared.Credentials;

/// <summary>
/// Authenticates each attempt of a backend client's requests. A credential travels only to the backend's own origin:
/// never with a token request (those carry their own client authentication), a request marked
/// <see cref="CredentialRequests.WithoutCredential"/>, or a cross-host download. A 401 to a renewable credential (an
/// OAuth access token) drops the token and sends the request once more with a fresh one.
/// </summary>
internal sealed class CredentialHandler(Lazy<ICredential?> credentials) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!Applies(request) || credentials.Value is not { } credential)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        await credential.ApplyAsync(request, cancellationToken);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !credential.Refused(request))
        {
            return response;
        }

        response.Dispose();
        await credential.ApplyAsync(request, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }

    internal static bool Applies(HttpRequestMessage request)
    {
        if (Marked(request, BackendHttp.TokenRequest) || Marked(request, CredentialRequests.NoCredential) || request.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            return false;
        }

        if (request.Options.TryGetValue(BackendHttp.BaseAddress, out Uri? baseAddress) && baseAddress is { IsAbsoluteUri: true })
        {
            return string.Equals(uri.Scheme, baseAddress.Scheme, StringComparison.OrdinalIgnoreCase)
                && string.Equals(uri.IdnHost, baseAddress.IdnHost, StringComparison.OrdinalIgnoreCase) && uri.Port == baseAddress.Port;
        }

        // Without a base address there is no backend origin to compare with: fail closed. (Every gateway sends through
        // SendToBackendAsync, which sets the client's base address; a cross-host download has had its base removed.)
        return false;
    }

    private static bool Marked(HttpRequestMessage request, HttpRequestOptionsKey<bool> key) => request.Options.TryGetValue(key, out bool set) && set;
}

/// <summary>Per-request switches of the credential handler.</summary>
public static class CredentialRequests
{
    internal static readonly HttpRequestOptionsKey<bool> NoCredential = new("McpServers.Credentials.NoCredential");

    /// <summary>Sends <paramref name="request"/> without the client's credential (an operation that declares no security).</summary>
    public static HttpRequestMessage WithoutCredential(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(NoCredential, true);
        return request;
    }
}

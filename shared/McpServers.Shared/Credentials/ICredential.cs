namespace McpServers.Shared.Credentials;

/// <summary>
/// How requests to one backend authenticate. Applied by the client's credential handler to every attempt (retries and
/// same-origin redirects included), never to a token request or a cross-host download.
/// </summary>
public interface ICredential
{
    /// <summary>Adds the credential to <paramref name="request"/> (a header, or a query parameter).</summary>
    ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>
    /// The backend answered 401 to <paramref name="request"/>: drop what it was sent with. True when a new credential
    /// can be obtained, so the request is worth sending once more; false for fixed credentials.
    /// </summary>
    bool Refused(HttpRequestMessage request);
}

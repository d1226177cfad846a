using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using McpServers.Shared.Errors;

namespace McpServers.Shared.Http;

/// <summary>
/// Reads backend response bodies. The content of a backend client is already capped in bytes (decompressed) and in
/// time; these helpers add the safe messages for a body that is empty or not what was expected.
/// </summary>
public static class BackendResponses
{
    /// <summary>Deserialises the body with a source-generated contract, streaming (never the whole body as a string).</summary>
    /// <param name="system">The backend's name as users know it, e.g. <c>Jira</c>.</param>
    public static async Task<T> ReadJsonAsync<T>(this HttpResponseMessage response, JsonTypeInfo<T> type, string system,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(type);
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken)
                ?? throw new BackendException(BackendErrorKind.Unavailable, $"{system} gave an empty response.");
        }
        catch (JsonException e)
        {
            throw new BackendException(BackendErrorKind.Unavailable, $"{system} gave a response this server could not read.", e);
        }
    }

    /// <summary>
    /// The body of an unsuccessful response, for a send path's error hook: the vendor's error document, or null when
    /// the body is empty, not JSON of that shape (a proxy's HTML page), over the size cap or cut short. Never throws
    /// for what the body holds, so the hook can always fall back to mapping by status.
    /// </summary>
    public static async Task<T?> TryReadErrorJsonAsync<T>(this HttpResponseMessage response, JsonTypeInfo<T> type,
        CancellationToken cancellationToken) where T : class
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(type);
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or BackendException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The body as text, for documents a parser needs whole (an OpenAPI document). Bounded by the client's
    /// <see cref="BackendHttpOptions.MaxResponseBytes"/>.
    /// </summary>
    public static Task<string> ReadTextAsync(this HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Content is not LimitedContent)
        {
            // Only the suite's backend clients cap the body; anything else could be unbounded.
            throw new InvalidOperationException("The response does not come from a backend client registered with AddBackendHttpClient.");
        }

        return response.Content.ReadAsStringAsync(cancellationToken);
    }
}

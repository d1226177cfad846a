using System.Net;
using System.Text.Json;
using McpServers.Shared.Errors;

namespace McpServers.Shared.Credentials;

/// <summary>
/// The one error hook of every token, device-authorization and revocation request: maps the RFC 6749 §5.2 and
/// RFC 8628 §3.5 error codes to <see cref="BackendException"/> kinds whose messages say what to do. The body's
/// free text (<c>error_description</c>) is never quoted: the authorization server is a backend, so untrusted.
/// </summary>
internal static class OAuthErrors
{
    private const int MaxErrorBodyBytes = 8 * 1024;

    /// <param name="devicePolling">
    /// Only while polling for a device code do <c>authorization_pending</c> and <c>slow_down</c> mean "ask again"; to any
    /// other request they are a malformed answer (an ordinary backend error), never an exception a tool call cannot map.
    /// </param>
    public static async Task<Exception?> MapAsync(HttpResponseMessage response, OAuthMessages messages, bool devicePolling, CancellationToken cancellationToken)
    {
        string? code = await CodeAsync(response, cancellationToken);
        var diagnostic = new HttpRequestException($"Token endpoint answered HTTP {(int)response.StatusCode} ({code ?? "no error code"})", null, response.StatusCode);
        string system = messages.System;
        return code switch
        {
            "authorization_pending" or "slow_down" when devicePolling => new DevicePendingException(code),
            "invalid_grant" => new BackendException(BackendErrorKind.Unauthorized, messages.SignInAgain, diagnostic),
            "invalid_client" or "unauthorized_client" => new BackendException(BackendErrorKind.Unauthorized,
                $"{system} did not accept the OAuth client; an administrator should check {messages.ClientSettings}.", diagnostic),
            "invalid_scope" => new BackendException(BackendErrorKind.Invalid,
                $"{system} refused the requested scopes; an administrator should check {messages.ScopeSetting}.", diagnostic),
            "access_denied" => new BackendException(BackendErrorKind.Forbidden,
                $"The sign-in to {messages.Backend} was declined{(messages.LoginCommand is { } login ? $"; run `{login}` again to retry" : "")}.", diagnostic),
            "expired_token" => new BackendException(BackendErrorKind.Unauthorized,
                $"The device code expired before the sign-in was approved; run `{messages.LoginCommand} --device-code` again.", diagnostic),
            "unsupported_grant_type" => new BackendException(BackendErrorKind.Invalid,
                $"{system} does not offer this kind of sign-in for the client; an administrator should check {messages.ClientSettings} and the endpoints.", diagnostic),
            "invalid_request" or "unsupported_token_type" => new BackendException(BackendErrorKind.Invalid,
                $"{system} refused the request as malformed; an administrator should check the endpoints and {messages.ClientSettings}.", diagnostic),
            _ when response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized => new BackendException(BackendErrorKind.Unauthorized,
                $"{system} refused the request (HTTP {(int)response.StatusCode}); an administrator should check {messages.ClientSettings}.", diagnostic),
            // 5xx, 429 and the rest: the shared status mapping (with its retry hints).
            _ => null,
        };
    }

    /// <summary>The <c>error</c> code when it is one the RFCs define the form of (lower-case ASCII and underscores).</summary>
    private static async Task<string?> CodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) != true
            || response.Content.Headers.ContentLength > MaxErrorBodyBytes)
        {
            return null;
        }

        try
        {
            OAuthErrorBody? body = await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(cancellationToken),
                CredentialsJsonContext.Default.OAuthErrorBody, cancellationToken);
            return body?.Error is { Length: > 0 and <= 64 } error && error.All(c => c is (>= 'a' and <= 'z') or '_') ? error : null;
        }
        catch (Exception e) when (e is JsonException or BackendException or HttpRequestException or IOException)
        {
            return null;
        }
    }
}

/// <summary>RFC 8628 §3.5: the user has not approved yet (<c>authorization_pending</c>) or polls too fast (<c>slow_down</c>).</summary>
internal sealed class DevicePendingException(string code) : Exception($"Device authorization: {code}")
{
    public bool SlowDown => Code == "slow_down";

    public string Code { get; } = code;
}

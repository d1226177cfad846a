using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using McpServers.Shared.Errors;
using McpServers.Ticketing.Options;

namespace McpServers.Ticketing.Backend.OAuth;

/// <summary>
/// <c>mcp-ticketing login</c>: the OAuth 2.0 authorization code flow with PKCE (RFC 7636, S256) and a loopback
/// redirect (RFC 8252 §7.3). Opens the browser at the authorization endpoint, receives the code on
/// <c>http://127.0.0.1:{port}/callback</c>, checks <c>state</c>, exchanges the code with the verifier and stores the
/// refresh token with user-only permissions.
/// </summary>
public static class LoginCommand
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(5);

    /// <param name="openBrowser">Opens the URL; the default starts the system browser (tests follow it with HTTP).</param>
    public static async Task<int> RunAsync(OAuthSettings settings, OAuthSession session, TextWriter output,
        Func<Uri, Task>? openBrowser = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(output);
        string verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        string challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        string state = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

        using var listener = new TcpListener(IPAddress.Loopback, settings.RedirectPort);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var redirect = new Uri($"http://127.0.0.1:{port}/callback");
        Uri authorize = AuthorizationUrl(settings, redirect, challenge, state);

        await output.WriteLineAsync($"Opening your browser to sign in to Jira. If it does not open, visit:\n{authorize}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Wait);
        Task<Dictionary<string, string>> callback = ReceiveCallbackAsync(listener, timeout.Token);
        await (openBrowser ?? OpenSystemBrowser)(authorize);

        Dictionary<string, string> query;
        try
        {
            query = await callback;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync("No sign-in arrived within 5 minutes; run mcp-ticketing login again.");
            return 1;
        }

        if (!query.TryGetValue("state", out string? returned) || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(returned), Encoding.UTF8.GetBytes(state)))
        {
            await output.WriteLineAsync("The sign-in answer did not match this login (state mismatch); nothing was stored.");
            return 1;
        }

        if (!query.TryGetValue("code", out string? code))
        {
            await output.WriteLineAsync($"Sign-in was not completed ({(query.TryGetValue("error", out string? error) ? error : "no code")}).");
            return 1;
        }

        try
        {
            await session.ExchangeCodeAsync(code, verifier, redirect, cancellationToken);
        }
        catch (BackendException e)
        {
            await output.WriteLineAsync($"Sign-in failed: {e.SafeMessage}");
            return 1;
        }

        await output.WriteLineAsync($"Signed in. The refresh token is stored in {settings.TokenFile} (readable only by you).");
        return 0;
    }

    internal static Uri AuthorizationUrl(OAuthSettings settings, Uri redirect, string challenge, string state)
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("response_type", "code"),
            new("client_id", settings.ClientId),
            new("redirect_uri", redirect.ToString()),
            new("scope", settings.Scopes),
            new("state", state),
            new("code_challenge", challenge),
            new("code_challenge_method", "S256"),
        };
        if (settings.Audience is { } audience)
        {
            // Atlassian 3LO: the API audience, and consent so that offline_access yields a refresh token.
            parameters.Add(new("audience", audience));
            parameters.Add(new("prompt", "consent"));
        }

        string query = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        var builder = new UriBuilder(settings.AuthorizationEndpoint);
        builder.Query = string.IsNullOrEmpty(builder.Query) ? query : builder.Query.TrimStart('?') + "&" + query;
        return builder.Uri;
    }

    /// <summary>Answers loopback requests until one reaches <c>/callback</c>; returns its query parameters.</summary>
    private static async Task<Dictionary<string, string>> ReceiveCallbackAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (true)
        {
            using TcpClient client = await listener.AcceptTcpClientAsync(cancellationToken);
            await using NetworkStream stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            string? requestLine = await reader.ReadLineAsync(cancellationToken);
            while (await reader.ReadLineAsync(cancellationToken) is { Length: > 0 })
            {
            }

            string target = requestLine?.Split(' ') is [_, var t, ..] ? t : "/";
            bool isCallback = target.StartsWith("/callback", StringComparison.Ordinal);
            string body = isCallback ? "Signed in to Jira for mcp-ticketing. You can close this tab." : "Not found.";
            byte[] answer = Encoding.UTF8.GetBytes(
                $"HTTP/1.1 {(isCallback ? "200 OK" : "404 Not Found")}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}");
            await stream.WriteAsync(answer, cancellationToken);
            if (isCallback)
            {
                return ParseQuery(target);
            }
        }
    }

    private static Dictionary<string, string> ParseQuery(string target)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        int q = target.IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return result;
        }

        foreach (string pair in target[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            result.TryAdd(key, eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')));
        }

        return result;
    }

    private static Task OpenSystemBrowser(Uri url)
    {
        try
        {
            using Process? browser = Process.Start(new ProcessStartInfo(url.ToString()) { UseShellExecute = true });
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            // No browser on this machine: the URL was printed above.
        }

        return Task.CompletedTask;
    }
}

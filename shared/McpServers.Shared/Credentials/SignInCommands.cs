using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;

namespace McpServers.Shared.Credentials;

/// <summary>
/// <c>login</c>, <c>logout</c> and <c>whoami</c>. Login is the authorization code flow with PKCE (RFC 7636, S256)
/// and a loopback redirect (RFC 8252 §7.3) on <c>http://127.0.0.1:{port}/callback</c>, checking <c>state</c>; or, for
/// a machine without a browser, the device authorization grant (RFC 8628). Everything is written to
/// <c>output</c> (stderr), never a token.
/// </summary>
public static class SignInCommands
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(5);

    /// <param name="openBrowser">Opens the URL; null prints it only (<c>--no-browser</c>). Tests follow it with HTTP.</param>
    public static async Task<int> LoginAsync(UserSignIn signIn, TextWriter output, Func<Uri, Task>? openBrowser, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        ArgumentNullException.ThrowIfNull(output);
        string verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        string challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        string state = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

        using var listener = new TcpListener(IPAddress.Loopback, signIn.Options.RedirectPort);
        listener.Start();
        var redirect = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/callback");
        Uri authorize = AuthorizationUrl(signIn.Options, redirect, challenge, state);

        await output.WriteLineAsync($"Sign in to {signIn.System} in your browser. If it does not open, visit:\n{authorize}");
        await output.FlushAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Wait);
        Task<Dictionary<string, string>> callback = ReceiveCallbackAsync(listener, signIn.System, timeout.Token);
        if (openBrowser is not null)
        {
            await openBrowser(authorize);
        }

        Dictionary<string, string> query;
        try
        {
            query = await callback;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync($"No sign-in arrived within 5 minutes; run {signIn.Messages.LoginCommand} again.");
            return 1;
        }

        if (!query.TryGetValue("state", out string? returned)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(returned), Encoding.UTF8.GetBytes(state)))
        {
            await output.WriteLineAsync("The sign-in answer did not match this login (state mismatch); nothing was stored.");
            return 1;
        }

        if (!query.TryGetValue("code", out string? code))
        {
            string error = ErrorCode(query.GetValueOrDefault("error"));
            await output.WriteLineAsync($"The sign-in was not completed ({error}); nothing was stored.");
            return 1;
        }

        return await CompleteAsync(signIn, output, ct => signIn.CompleteTokensAsync(code, verifier, redirect, ct), cancellationToken);
    }

    /// <summary>RFC 8628: shows the code and the address to enter it at, then polls until the user approves.</summary>
    public static async Task<int> LoginWithDeviceCodeAsync(UserSignIn signIn, TextWriter output, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(time);
        if (string.IsNullOrWhiteSpace(signIn.Options.DeviceAuthorizationEndpoint))
        {
            await output.WriteLineAsync($"Device-code sign-in needs the device authorization endpoint; set {signIn.Messages.Section}:DeviceAuthorizationEndpoint, or run {signIn.Messages.LoginCommand} without --device-code.");
            return 2;
        }

        return await CompleteAsync(signIn, output, async ct =>
        {
            var device = await signIn.Client.AuthorizeDeviceAsync(ct);
            await output.WriteLineAsync($"To sign in to {signIn.System}, visit {Shown(device.VerificationUri)} and enter the code {Shown(device.UserCode)}");
            if (device.VerificationUriComplete is { Length: > 0 } complete)
            {
                await output.WriteLineAsync($"(or open {Shown(complete)})");
            }

            await output.FlushAsync(ct);
            TimeSpan interval = TimeSpan.FromSeconds(Math.Clamp(device.Interval ?? 5, 1, 60));
            DateTimeOffset deadline = time.GetUtcNow() + TimeSpan.FromSeconds(Math.Clamp(device.ExpiresIn ?? 600, 1, 3600));
            while (true)
            {
                try
                {
                    return await signIn.Client.DeviceTokenAsync(device.DeviceCode!, ct);
                }
                catch (DevicePendingException pending)
                {
                    // RFC 8628 §3.5: slow_down adds five seconds to every later wait.
                    interval += pending.SlowDown ? TimeSpan.FromSeconds(5) : TimeSpan.Zero;
                    if (time.GetUtcNow() + interval >= deadline)
                    {
                        throw new BackendException(BackendErrorKind.Unauthorized,
                            $"The device code expired before the sign-in was approved; run `{signIn.Messages.LoginCommand} --device-code` again.");
                    }

                    await Task.Delay(interval, time, ct);
                }
            }
        }, cancellationToken);
    }

    /// <summary>Text from the sign-in server, shown on a terminal: one line, no control, escape, bidi or zero-width characters.</summary>
    private static string Shown(string? text) => TextHygiene.CleanAndTruncate(text, 500).ReplaceLineEndings(" ");

    public static async Task<int> LogoutAsync(UserSignIn signIn, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        ArgumentNullException.ThrowIfNull(output);
        var (signedIn, revocationFailed) = await signIn.SignOutAsync(cancellationToken);
        if (!signedIn)
        {
            await output.WriteLineAsync($"Not signed in to {signIn.System}; nothing to remove.");
            return 0;
        }

        if (revocationFailed is not null)
        {
            await output.WriteLineAsync($"Signed out: the sign-in was removed from {signIn.Location}, but revoking it failed: {revocationFailed.SafeMessage} It may stay valid until it expires.");
            return 1;
        }

        await output.WriteLineAsync($"Signed out of {signIn.System}: the sign-in was {(string.IsNullOrWhiteSpace(signIn.Options.RevocationEndpoint) ? "" : "revoked and ")}removed from {signIn.Location}.");
        return 0;
    }

    public static async Task<int> WhoAmIAsync(UserSignIn signIn, OAuthCredential credential, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(output);
        StoredSignIn? stored = await signIn.ReadAsync(cancellationToken);
        if (stored is null)
        {
            await output.WriteLineAsync(signIn.Messages.NotSignedIn);
            return 1;
        }

        AccessToken token;
        try
        {
            token = await credential.CurrentAsync(cancellationToken);
        }
        catch (BackendException e)
        {
            await output.WriteLineAsync(e.SafeMessage ?? signIn.Messages.NotSignedIn);
            return 1;
        }

        var text = new StringBuilder();
        text.AppendLine($"Signed in to {signIn.System} as {signIn.Key.Principal}{(stored.SignedIn is { } at ? $" since {UserSignIn.Format(at)}" : "")}.");
        text.AppendLine($"Access token valid until {UserSignIn.Format(token.ExpiresAt)}.");
        text.AppendLine($"Scopes: {(string.IsNullOrWhiteSpace(token.Scope) ? "(not stated by the server)" : Shown(token.Scope))}");
        foreach (var (name, value) in token.Fields ?? new Dictionary<string, string>())
        {
            text.AppendLine($"{name}: {Shown(value)}");
        }

        text.AppendLine($"Sign-in stored in {signIn.Location}.");
        await output.WriteAsync(text.ToString());
        return 0;
    }

    private static async Task<int> CompleteAsync(UserSignIn signIn, TextWriter output, Func<CancellationToken, Task<TokenResponse>> grant,
        CancellationToken cancellationToken)
    {
        try
        {
            StoredSignIn stored = await signIn.CompleteAsync(await grant(cancellationToken), cancellationToken);
            await output.WriteLineAsync($"Signed in to {signIn.System} as {signIn.Key.Principal}. The sign-in is stored in {signIn.Location} (readable only by you); access token valid until {UserSignIn.Format(stored.AccessTokenExpires!.Value)}.");
            return 0;
        }
        catch (BackendException e)
        {
            await output.WriteLineAsync($"Sign-in failed: {e.SafeMessage ?? "the sign-in server could not be used."}");
            return 1;
        }
    }

    /// <summary>
    /// The <c>error</c> of an authorization answer (RFC 6749 §4.1.2.1) when it is a plain error code; never the
    /// description, which is the server's free text.
    /// </summary>
    internal static string ErrorCode(string? error) =>
        error is { Length: > 0 and <= 64 } && error.All(c => c is (>= 'a' and <= 'z') or '_') ? error : "no code";

    internal static Uri AuthorizationUrl(OAuthClientOptions options, Uri redirect, string challenge, string state)
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("response_type", "code"),
            new("client_id", options.ClientId!),
            new("redirect_uri", redirect.ToString()),
            new("state", state),
            new("code_challenge", challenge),
            new("code_challenge_method", "S256"),
        };
        if (!string.IsNullOrWhiteSpace(options.Scopes))
        {
            parameters.Add(new("scope", options.Scopes.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(options.Audience))
        {
            parameters.Add(new("audience", options.Audience.Trim()));
        }

        parameters.AddRange(options.AuthorizeParameters);
        string query = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        var builder = new UriBuilder(options.AuthorizationEndpoint!);
        builder.Query = string.IsNullOrEmpty(builder.Query) ? query : builder.Query.TrimStart('?') + "&" + query;
        return builder.Uri;
    }

    /// <summary>Answers loopback requests until one reaches <c>/callback</c>; returns its query parameters.</summary>
    private static async Task<Dictionary<string, string>> ReceiveCallbackAsync(TcpListener listener, string system, CancellationToken cancellationToken)
    {
        // Each connection is answered on its own, so a silent one (a browser's preconnect, another local process)
        // cannot hold up the real redirect; the first request to exactly /callback ends the wait.
        var arrived = new TaskCompletionSource<Dictionary<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenRegistration stop = cancellationToken.Register(() => arrived.TrySetCanceled(cancellationToken));
        _ = AcceptAsync();
        return await arrived.Task;

        async Task AcceptAsync()
        {
            try
            {
                while (!arrived.Task.IsCompleted)
                {
                    _ = AnswerAsync(await listener.AcceptTcpClientAsync(cancellationToken));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                arrived.TrySetCanceled(cancellationToken);
            }
        }

        async Task AnswerAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    await using NetworkStream stream = client.GetStream();
                    using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                    string? requestLine = await reader.ReadLineAsync(cancellationToken);
                    while (await reader.ReadLineAsync(cancellationToken) is { Length: > 0 })
                    {
                    }

                    string target = requestLine?.Split(' ') is [_, var t, ..] ? t : "/";
                    bool isCallback = target == "/callback" || target.StartsWith("/callback?", StringComparison.Ordinal);
                    string body = isCallback ? $"Sign-in to {system} received. You can close this tab." : "Not found.";
                    byte[] answer = Encoding.UTF8.GetBytes(
                        $"HTTP/1.1 {(isCallback ? "200 OK" : "404 Not Found")}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}");
                    await stream.WriteAsync(answer, cancellationToken);
                    if (isCallback)
                    {
                        arrived.TrySetResult(ParseQuery(target));
                    }
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    // A connection that broke or never spoke: the wait goes on (bounded by the login's own timeout).
                }
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

    /// <summary>Starts the system browser; on a machine without one the URL printed before is the way.</summary>
    public static Task OpenSystemBrowser(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
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

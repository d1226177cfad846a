using System.ComponentModel;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpServers.Testing.Conformance;
using Xunit;

namespace McpServers.Testing.OAuth.Oidc;

/// <summary>
/// A real OAuth 2.1 authorization server on loopback: the npm package <c>oidc-provider</c> (pinned in
/// <c>OAuth/Oidc/node/package.json</c> and its lock file) run by <c>node/authorization-server.mjs</c> on a free port,
/// with a fresh RSA signing key each start. It issues RS256 JWT access tokens (RFC 9068) through client_credentials
/// with a resource indicator (RFC 8707): <c>aud</c> is the requested resource, <c>scope</c> the requested subset of
/// <c>mcp:read mcp:write</c>. Clients: <see cref="ConfidentialClient"/> (tokens live an hour) and
/// <see cref="ShortLivedClient"/> (one second), both with <see cref="ClientSecret"/> over client_secret_basic.
/// Register with <c>[assembly: AssemblyFixture(typeof(OidcProviderServer))]</c>, or call <see cref="StartAsync"/> for
/// a second, independent issuer. When Node.js or the packages (<c>npm ci</c> in that folder) are missing,
/// <see cref="RequireAvailable"/> skips the test, except under <c>CI=true</c>, where it fails.
/// </summary>
public sealed class OidcProviderServer : IAsyncLifetime
{
    public const string ConfidentialClient = "confidential";
    public const string ShortLivedClient = "short-lived";
    public const string ClientSecret = "test-secret";

    private const string PackageName = "oidc-provider";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http = new() { Timeout = StartTimeout };
    private readonly StringBuilder _stderr = new();
    private Process? _process;
    private bool _installed;
    private string? _issuer;
    private string? _tokenEndpoint;
    private string? _jwksUri;

    /// <summary>The folder holding <c>package.json</c>, <c>package-lock.json</c>, the script and <c>node_modules/</c>.</summary>
    public static string NodeDirectory { get; } =
        Path.Combine(ManifestSnapshot.RepositoryRoot(), "tests", "McpServers.Testing", "OAuth", "Oidc", "node");

    /// <summary><c>http://127.0.0.1:PORT</c>, the <c>iss</c> of every token; throws when the server is not running.</summary>
    public string Issuer => _issuer ?? throw new InvalidOperationException(UnavailableReason ?? "The authorization server is not running.");

    /// <summary>The token endpoint from the discovery document.</summary>
    public string TokenEndpoint => _tokenEndpoint ?? throw new InvalidOperationException(UnavailableReason ?? "The authorization server is not running.");

    /// <summary>The JWKS address from the discovery document (<c>{Issuer}/.well-known/openid-configuration</c>).</summary>
    public string JwksUri => _jwksUri ?? throw new InvalidOperationException(UnavailableReason ?? "The authorization server is not running.");

    /// <summary>Why the server is not available (null when it is).</summary>
    public string? UnavailableReason { get; private set; }

    public bool IsAvailable => _tokenEndpoint is not null;

    private int _port;

    /// <summary>
    /// Starts an issuer of its own (for tests that need a second, different one); dispose it when done. On
    /// <paramref name="port"/> (0: a free one), an issuer can come back at the address of one that stopped, with a new
    /// signing key: a key rotation as its resource servers see it.
    /// </summary>
    public static async Task<OidcProviderServer> StartAsync(int port = 0)
    {
        var server = new OidcProviderServer { _port = port };
        await server.InitializeAsync();
        return server;
    }

    public async ValueTask InitializeAsync()
    {
        string folder = Path.GetRelativePath(ManifestSnapshot.RepositoryRoot(), NodeDirectory);
        if (!IsInstalled())
        {
            UnavailableReason = $"The OAuth authorization server tests need the pinned {PackageName} package: install Node.js 20 or later " +
                $"with npm (Debian/Ubuntu: apt-get install nodejs npm), then run 'npm ci --ignore-scripts' in {folder}.";
            return;
        }

        ProcessStartInfo start = ProcessStart.For("node", ["authorization-server.mjs", _port.ToString(System.Globalization.CultureInfo.InvariantCulture)], NodeDirectory);
        // The script exits when its stdin closes, so it cannot outlive this process.
        start.RedirectStandardInput = true;
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        }
        catch (Win32Exception)
        {
            UnavailableReason = "The OAuth authorization server tests need Node.js, which was not found on PATH " +
                "(Debian/Ubuntu: apt-get install nodejs npm).";
            return;
        }

        _installed = true;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();

        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            string line = await _process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("node exited before listening.");
            using (JsonDocument ready = JsonDocument.Parse(line))
            {
                _issuer = ready.RootElement.GetProperty("issuer").GetString();
            }

            using JsonDocument discovery = JsonDocument.Parse(await _http.GetStringAsync(
                new Uri(_issuer + "/.well-known/openid-configuration"), timeout.Token));
            _jwksUri = discovery.RootElement.GetProperty("jwks_uri").GetString();
            _tokenEndpoint = discovery.RootElement.GetProperty("token_endpoint").GetString();
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or JsonException or HttpRequestException or KeyNotFoundException)
        {
            // Node.js and the packages are there, so this is a failure, not a skip.
            UnavailableReason = $"Starting the oidc-provider authorization server failed: {ex.Message} {StandardError()}";
            await StopAsync();
        }
    }

    /// <summary>Skips the calling test when Node.js or the packages are missing (fails instead under CI=true or when the server did not start).</summary>
    public void RequireAvailable() => Prerequisite.RequireServer(IsAvailable, _installed, UnavailableReason);

    /// <summary>
    /// A JWT access token for <paramref name="resource"/> (its <c>aud</c>) with <paramref name="scope"/> (space-separated,
    /// from <c>mcp:read mcp:write</c>), from the client_credentials grant; throws with the response body on an error.
    /// </summary>
    public async Task<string> IssueTokenAsync(string resource, string scope = "mcp:read", string clientId = ConfidentialClient)
    {
        RequireAvailable();
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["resource"] = resource,
                ["scope"] = scope,
            }),
        };
        // client_secret_basic: RFC 6749 §2.3.1 form-encodes both parts before Base64.
        string credentials = $"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(ClientSecret)}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));

        using HttpResponseMessage response = await _http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The token endpoint answered {(int)response.StatusCode}: {body}");
        }

        using JsonDocument token = JsonDocument.Parse(body);
        return token.RootElement.GetProperty("access_token").GetString()
            ?? throw new InvalidOperationException($"The token response has no access_token: {body}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Installed means: npm finished (it writes <c>node_modules/.package-lock.json</c>) and the package is the pinned version.</summary>
    private static bool IsInstalled()
    {
        string modules = Path.Combine(NodeDirectory, "node_modules");
        string installed = Path.Combine(modules, PackageName, "package.json");
        if (!File.Exists(Path.Combine(modules, ".package-lock.json")) || !File.Exists(installed))
        {
            return false;
        }

        using JsonDocument pinned = JsonDocument.Parse(File.ReadAllText(Path.Combine(NodeDirectory, "package.json")));
        using JsonDocument actual = JsonDocument.Parse(File.ReadAllText(installed));
        return pinned.RootElement.GetProperty("dependencies").GetProperty(PackageName).GetString()
            == actual.RootElement.GetProperty("version").GetString();
    }

    private string StandardError()
    {
        lock (_stderr)
        {
            return _stderr.ToString().Trim();
        }
    }

    private async Task StopAsync()
    {
        _tokenEndpoint = null;
        if (_process is { HasExited: false })
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or Win32Exception)
            {
                // Best effort: nothing on disk to clean up.
            }
        }

        _process?.Dispose();
        _process = null;
    }
}

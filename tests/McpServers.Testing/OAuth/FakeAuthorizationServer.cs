using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Testing.OAuth;

/// <summary>
/// A loopback OAuth 2.0 authorization server following the RFCs: <c>/authorize</c> (RFC 6749 §4.1 with PKCE, RFC
/// 7636: checks the client id, a loopback redirect URI, an S256 challenge and a state, then "approves" by redirecting
/// to the callback — a test's browser is an HttpClient), <c>/token</c> (authorization_code with the PKCE verifier,
/// refresh_token with rotation — a used refresh token is refused afterwards with invalid_grant —, client_credentials,
/// and the RFC 8628 device_code grant answering authorization_pending or slow_down until approved),
/// <c>/device_authorization</c> and <c>/revoke</c> (RFC 7009). Errors are RFC 6749 §5.2 bodies.
/// Tokens look like <c>{TokenPrefix}at-1</c> and <c>{TokenPrefix}rt-1</c>.
/// </summary>
public sealed class FakeAuthorizationServer : IAsyncDisposable
{
    public const string ClientId = "client-1";

    private readonly LoopbackHttpServer _server = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Challenge, string Redirect)> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceState> _devices = new(StringComparer.Ordinal);
    private readonly HashSet<string> _validRefreshTokens = new(StringComparer.Ordinal);
    private readonly List<string> _issued = [];
    private readonly List<string> _revoked = [];
    private int _generation;

    private sealed class DeviceState
    {
        public required string UserCode { get; init; }

        public bool Approved { get; set; }

        public bool SlowDownSent { get; set; }
    }

    private FakeAuthorizationServer()
    {
        _server.Routes.MapGet("/authorize", Authorize);
        _server.Routes.MapPost("/token", async (HttpRequest request) => Token(await request.ReadFormAsync()));
        _server.Routes.MapPost("/device_authorization", async (HttpRequest request) => DeviceAuthorization(await request.ReadFormAsync()));
        _server.Routes.MapPost("/revoke", async (HttpRequest request) =>
        {
            IFormCollection form = await request.ReadFormAsync();
            if (!ClientOk(form))
            {
                return Error("invalid_client", 401);
            }

            lock (_gate)
            {
                // RFC 7009 §2.2: 200 whether or not the token was valid.
                _revoked.Add(form["token"]!);
                _validRefreshTokens.Remove(form["token"]!);
            }

            return Results.Ok();
        });
    }

    /// <summary>When set, the token endpoint also requires this client secret (client_secret_post).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Put before every token, so a test can find them (e.g. <c>CANARY-</c>).</summary>
    public string TokenPrefix { get; set; } = "";

    public int ExpiresInSeconds { get; set; } = 3600;

    /// <summary>The scope the token responses state.</summary>
    public string? GrantedScope { get; set; } = "read write offline_access";

    /// <summary>The polling interval the device authorization answers with.</summary>
    public int DeviceInterval { get; set; } = 1;

    /// <summary>Answer the first device-code poll with slow_down (then authorization_pending until approved).</summary>
    public bool SlowDownOnce { get; set; }

    /// <summary>Approve a device code as soon as it is issued (a test that does not play the user).</summary>
    public bool ApproveDevicesImmediately { get; set; }

    /// <summary>Further fields every token response carries (a provider's own, e.g. Salesforce's <c>instance_url</c>).</summary>
    public Dictionary<string, object?> ExtraTokenFields { get; } = new(StringComparer.Ordinal);

    /// <summary>Refuse every refresh token (the user revoked the app's access elsewhere).</summary>
    public bool Revoked { get; set; }

    public Uri BaseAddress => _server.BaseAddress;

    public Uri AuthorizationEndpoint => new(_server.BaseAddress, "authorize");

    public Uri TokenEndpoint => new(_server.BaseAddress, "token");

    public Uri DeviceAuthorizationEndpoint => new(_server.BaseAddress, "device_authorization");

    public Uri RevocationEndpoint => new(_server.BaseAddress, "revoke");

    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    /// <summary>The refresh token that is valid now (the newest issued), if any.</summary>
    public string? CurrentRefreshToken { get; private set; }

    /// <summary>Every access and refresh token issued so far.</summary>
    public IReadOnlyList<string> IssuedTokens
    {
        get
        {
            lock (_gate)
            {
                return [.. _issued];
            }
        }
    }

    public IReadOnlyList<string> RevokedTokens
    {
        get
        {
            lock (_gate)
            {
                return [.. _revoked];
            }
        }
    }

    /// <summary>How many refresh_token grants succeeded (each one rotated the refresh token).</summary>
    public int Rotations { get; private set; }

    public static async Task<FakeAuthorizationServer> StartAsync(CancellationToken cancellationToken)
    {
        var server = new FakeAuthorizationServer();
        await server._server.StartAsync(cancellationToken);
        return server;
    }

    /// <summary>Makes <paramref name="refreshToken"/> a valid one, as if a login had happened earlier.</summary>
    public void Accept(string refreshToken)
    {
        lock (_gate)
        {
            _validRefreshTokens.Add(refreshToken);
            CurrentRefreshToken = refreshToken;
        }
    }

    /// <summary>The user enters <paramref name="userCode"/> at the verification address and approves.</summary>
    public void Approve(string userCode)
    {
        lock (_gate)
        {
            _devices.Values.Single(d => d.UserCode == userCode).Approved = true;
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private IResult Authorize(HttpRequest request)
    {
        string? redirect = request.Query["redirect_uri"];
        // RFC 6749 §4.1.2.1: with a bad client or redirect URI the user is not sent back to it.
        if (request.Query["client_id"] != ClientId || !Uri.TryCreate(redirect, UriKind.Absolute, out Uri? callback)
            || callback.Scheme != "http" || callback.Host != "127.0.0.1")
        {
            return Results.BadRequest("invalid client or redirect_uri");
        }

        string? state = request.Query["state"];
        string? challenge = request.Query["code_challenge"];
        if (request.Query["response_type"] != "code" || request.Query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(challenge)
            || string.IsNullOrEmpty(state))
        {
            return Results.Redirect($"{redirect}?error=invalid_request&state={Uri.EscapeDataString(state ?? "")}");
        }

        string code = "code-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        lock (_gate)
        {
            _codes[code] = (challenge, redirect!);
        }

        return Results.Redirect($"{redirect}?code={code}&state={Uri.EscapeDataString(state)}");
    }

    private IResult DeviceAuthorization(IFormCollection form)
    {
        if (form["client_id"] != ClientId)
        {
            return Error("invalid_client", 401);
        }

        string device = "dc-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        string user = Convert.ToHexString(RandomNumberGenerator.GetBytes(2)) + "-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(2));
        lock (_gate)
        {
            _devices[device] = new DeviceState { UserCode = user, Approved = ApproveDevicesImmediately };
        }

        return Results.Json(new
        {
            device_code = device,
            user_code = user,
            verification_uri = new Uri(_server.BaseAddress, "device").ToString(),
            verification_uri_complete = new Uri(_server.BaseAddress, "device?user_code=" + user).ToString(),
            expires_in = 600,
            interval = DeviceInterval,
        });
    }

    private IResult Token(IFormCollection form)
    {
        if (!ClientOk(form))
        {
            return Error("invalid_client", 401);
        }

        lock (_gate)
        {
            switch ((string?)form["grant_type"])
            {
                case "authorization_code":
                    string code = form["code"]!;
                    if (!_codes.Remove(code, out var issued) || issued.Redirect != form["redirect_uri"]
                        || Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != issued.Challenge)
                    {
                        return Error("invalid_grant");
                    }

                    return Issue(refresh: true);
                case "refresh_token":
                    // Rotation: a refresh token works once; the one issued with the answer replaces it.
                    if (Revoked || !_validRefreshTokens.Remove(form["refresh_token"]!))
                    {
                        return Error("invalid_grant");
                    }

                    Rotations++;
                    return Issue(refresh: true);
                case "client_credentials":
                    return Issue(refresh: false);
                case "urn:ietf:params:oauth:grant-type:device_code":
                    if (!_devices.TryGetValue(form["device_code"]!, out DeviceState? device))
                    {
                        return Error("invalid_grant");
                    }

                    if (SlowDownOnce && !device.SlowDownSent)
                    {
                        device.SlowDownSent = true;
                        return Error("slow_down");
                    }

                    if (!device.Approved)
                    {
                        return Error("authorization_pending");
                    }

                    _devices.Remove(form["device_code"]!);
                    return Issue(refresh: true);
                default:
                    return Error("unsupported_grant_type");
            }
        }
    }

    private bool ClientOk(IFormCollection form) => form["client_id"] == ClientId && (ClientSecret is null || form["client_secret"] == ClientSecret);

    private IResult Issue(bool refresh)
    {
        _generation++;
        string access = $"{TokenPrefix}at-{_generation}";
        _issued.Add(access);
        string? refreshToken = null;
        if (refresh)
        {
            refreshToken = $"{TokenPrefix}rt-{_generation}";
            _issued.Add(refreshToken);
            _validRefreshTokens.Add(refreshToken);
            CurrentRefreshToken = refreshToken;
        }

        var body = new Dictionary<string, object?>(ExtraTokenFields, StringComparer.Ordinal)
        {
            ["access_token"] = access,
            ["refresh_token"] = refreshToken,
            ["expires_in"] = ExpiresInSeconds,
            ["token_type"] = "Bearer",
            ["scope"] = GrantedScope,
        };
        return Results.Json(body);
    }

    /// <summary>An RFC 6749 §5.2 error, with a description that quotes nothing a client should show.</summary>
    private static IResult Error(string code, int status = 400) =>
        Results.Json(new { error = code, error_description = "Fake authorization server: " + code }, statusCode: status);
}

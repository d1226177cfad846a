using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Ticketing.Tests.Fake;

/// <summary>
/// A loopback OAuth 2.0 authorization server: <c>/authorize</c> redirects straight back with a code (the user
/// "consents"), <c>/token</c> checks the PKCE verifier against the challenge (S256) and rotates refresh tokens on every
/// use; a used or revoked refresh token gets <c>invalid_grant</c>.
/// </summary>
public sealed class FakeAuthorizationServer : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server = new();
    private readonly Lock _gate = new();
    private string? _challenge;
    private int _generation;

    private FakeAuthorizationServer()
    {
        _server.Routes.MapGet("/authorize", (HttpRequest request) =>
        {
            _challenge = request.Query["code_challenge"];
            string redirect = request.Query["redirect_uri"]!;
            return Results.Redirect($"{redirect}?code=the-code&state={Uri.EscapeDataString(request.Query["state"]!)}");
        });
        _server.Routes.MapPost("/token", async (HttpRequest request) =>
        {
            IFormCollection form = await request.ReadFormAsync();
            lock (_gate)
            {
                switch ((string?)form["grant_type"])
                {
                    case "authorization_code" when form["code"] == "the-code" && _challenge is not null
                        && Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"]!))) == _challenge:
                        return Issue();
                    case "refresh_token" when form["refresh_token"] == CurrentRefreshToken && !Revoked:
                        return Issue();
                    default:
                        return Results.Json(new { error = "invalid_grant", error_description = "Unknown or invalid refresh token." }, statusCode: 400);
                }
            }
        });
    }

    public string? CurrentRefreshToken { get; private set; }

    public int ExpiresInSeconds { get; set; } = 3600;

    public bool Revoked { get; set; }

    public Uri BaseAddress => _server.BaseAddress;

    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    public static async Task<FakeAuthorizationServer> StartAsync(CancellationToken cancellationToken)
    {
        var server = new FakeAuthorizationServer();
        await server._server.StartAsync(cancellationToken);
        return server;
    }

    /// <summary>Makes <paramref name="refreshToken"/> the valid one, as if a login had happened earlier.</summary>
    public void Accept(string refreshToken) => CurrentRefreshToken = refreshToken;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private IResult Issue()
    {
        _generation++;
        CurrentRefreshToken = $"rt-{_generation}";
        return Results.Json(new { access_token = $"at-{_generation}", refresh_token = CurrentRefreshToken, expires_in = ExpiresInSeconds, token_type = "Bearer" });
    }
}

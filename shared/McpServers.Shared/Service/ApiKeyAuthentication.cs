using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using McpServers.Shared.Pipeline;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpServers.Shared.Service;

/// <summary>
/// Static API keys (<c>Service:ApiKeys</c>): the bearer value's SHA-256 is compared, in constant time, with each
/// configured hash; a match that has not expired signs the caller in as <c>api-key:&lt;name&gt;</c> with that key's
/// scopes. Keys are told apart from JWTs by their shape (a JWT has two dots).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, IOptions<ServiceOptions> service, TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "mcp-api-key";

    private readonly (string Name, byte[] Hash, string[] Scopes, DateTimeOffset Expires)[] _keys =
        [.. service.Value.ApiKeys.Select(k => (k.Key, Convert.FromHexString(k.Value.Sha256!), k.Value.ScopeList(), k.Value.Expires!.Value))];

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerValue(Request.Headers.Authorization.ToString()) is not { } presented)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        foreach (var key in _keys)
        {
            if (!CryptographicOperations.FixedTimeEquals(hash, key.Hash))
            {
                continue;
            }

            if (key.Expires <= time.GetUtcNow())
            {
                return Task.FromResult(AuthenticateResult.Fail($"API key '{key.Name}' expired on {key.Expires:yyyy-MM-dd}"));
            }

            var identity = new ClaimsIdentity(
            [
                new Claim("sub", "api-key:" + key.Name),
                new Claim("client_id", key.Name),
                new Claim(Caller.ApiKeyClaim, key.Name),
                new Claim("scope", string.Join(' ', key.Scopes)),
            ], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }

        return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
    }

    /// <summary>The bearer credential when it is not shaped like a JWT (header.payload.signature).</summary>
    internal static string? BearerValue(string authorization)
    {
        const string Prefix = "Bearer ";
        if (!authorization.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string value = authorization[Prefix.Length..].Trim();
        return value.Length is > 0 and <= 512 && value.Count(c => c == '.') != 2 ? value : null;
    }
}

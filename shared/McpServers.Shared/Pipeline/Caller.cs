using System.Security.Claims;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// Who made a call over HTTP (<c>--http</c>): the token's subject and client, how they signed in, and the scopes that
/// decide what they may call. Over stdio there is no caller: the person is the operating-system user who started the
/// process, and the audit line says so.
/// </summary>
public sealed record Caller(string Subject, string? ClientId, string Method, IReadOnlySet<string> Scopes)
{
    /// <summary>Needed for read-only tools (or <see cref="WriteScope"/>, which includes it).</summary>
    public const string ReadScope = "mcp:read";

    /// <summary>Needed for tools that change data.</summary>
    public const string WriteScope = "mcp:write";

    /// <summary>The claim an API key's principal carries with the key's name.</summary>
    public const string ApiKeyClaim = "mcp_api_key";

    private static readonly AsyncLocal<Caller?> CurrentCaller = new();

    public static IReadOnlyList<string> KnownScopes { get; } = [ReadScope, WriteScope];

    /// <summary>
    /// The caller of the tool call running on this flow (set by the audit stage, so the whole call, its backend
    /// requests included, sees it); null over stdio.
    /// </summary>
    public static Caller? Current
    {
        get => CurrentCaller.Value;
        internal set => CurrentCaller.Value = value;
    }

    /// <summary>The caller of an authenticated HTTP request; null when there is none (stdio, or not signed in).</summary>
    public static Caller? From(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true })
        {
            return null;
        }

        string? subject = user.FindFirst("sub")?.Value;
        string? client = user.FindFirst("client_id")?.Value ?? user.FindFirst("azp")?.Value;
        string? apiKey = user.FindFirst(ApiKeyClaim)?.Value;
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (Claim claim in user.FindAll("scope").Concat(user.FindAll("scp")))
        {
            scopes.UnionWith(claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        // A client-credentials token has no user: its subject is the client.
        return new Caller(subject ?? client ?? "(unknown)", client, apiKey is null ? "oauth" : "api-key", scopes);
    }

    /// <summary>Whether the scopes allow a tool: read-only tools need mcp:read or mcp:write, the others mcp:write.</summary>
    public bool MayCall(bool readOnlyTool) =>
        Scopes.Contains(WriteScope) || (readOnlyTool && Scopes.Contains(ReadScope));
}

/// <summary>Registered when the server runs as a stateless HTTP service: no request can reach back to the client.</summary>
public sealed class StatelessService;

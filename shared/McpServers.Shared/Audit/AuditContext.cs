namespace McpServers.Shared.Audit;

/// <summary>
/// Facts a server learns about its backend that belong in every audit event: the identity it acts as (e.g. the
/// Jira account) and the downstream system (host/database, never credentials). Set by the server, read by audit.
/// </summary>
public sealed class AuditContext
{
    private volatile string? _backendIdentity;
    private volatile string? _downstream;
    private volatile string[] _warnings = [];

    /// <summary><see cref="BackendCredential"/> when each HTTP caller reaches the backend with their own linked sign-in.</summary>
    public const string PerUserCredential = "per-user";

    /// <summary><see cref="BackendCredential"/> when every HTTP caller reaches the backend with the server's one credential.</summary>
    public const string SharedCredential = "shared";

    /// <summary>HTTP mode: whose credential reaches the backend (<c>Service:BackendIdentity</c>); null over stdio.</summary>
    public string? BackendCredential { get; internal set; }

    public string? BackendIdentity
    {
        get => _backendIdentity;
        set => _backendIdentity = value;
    }

    public string? Downstream
    {
        get => _downstream;
        set => _downstream = value;
    }

    /// <summary>Standing warnings about the backend (e.g. "the database role can write"), repeated in every event.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    public void AddWarning(string warning)
    {
        ArgumentNullException.ThrowIfNull(warning);
        _warnings = [.. _warnings, warning];
    }
}

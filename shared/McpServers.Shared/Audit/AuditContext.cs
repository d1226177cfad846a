namespace McpServers.Shared.Audit;

/// <summary>
/// Facts a server learns about its backend that belong in every audit event: the identity it acts as (e.g. the
/// Jira account) and the downstream system (host/database, never credentials). Set by the server, read by audit.
/// </summary>
public sealed class AuditContext
{
    private volatile string? _backendIdentity;
    private volatile string? _downstream;

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
}

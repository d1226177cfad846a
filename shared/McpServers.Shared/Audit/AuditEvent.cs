using System.Text.Json;

namespace McpServers.Shared.Audit;

/// <summary>One tools/call as the audit log records it. Arguments are already redacted.</summary>
public sealed record AuditEvent(
    DateTimeOffset Timestamp,
    string Server,
    string ServerVersion,
    string OsUser,
    string? BackendIdentity,
    string? ClientName,
    string? ClientVersion,
    string Tool,
    JsonElement Arguments,
    double DurationMs,
    string Outcome,
    string? Reason,
    string? Downstream,
    string CorrelationId,
    IReadOnlyList<string>? BackendWarnings = null)
{
    /// <summary>The authenticated HTTP caller (<c>--http</c>); null over stdio, where the OS user is the principal.</summary>
    public Pipeline.Caller? Caller { get; init; }

    /// <summary>HTTP mode: whose credential reached the backend (<c>per-user</c> or <c>shared</c>); null over stdio.</summary>
    public string? BackendCredential { get; init; }
}

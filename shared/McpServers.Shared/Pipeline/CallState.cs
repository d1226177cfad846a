using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>What happened to one tools/call, filled in by the filters and written by the audit filter.</summary>
public sealed class CallState
{
    private const string Key = "McpServers.CallState";

    internal CallState(string correlationId) => CorrelationId = correlationId;

    public string CorrelationId { get; }

    public string Outcome { get; private set; } = AuditOutcome.Ok;

    /// <summary>A short, safe reason for a refusal or failure (never backend text).</summary>
    public string? Reason { get; private set; }

    public void Set(string outcome, string? reason = null)
    {
        Outcome = outcome;
        Reason = reason;
    }

    internal void Attach(MessageContext context) => context.Items[Key] = this;

    /// <summary>The state of the call in progress (created by the audit filter, the outermost one).</summary>
    public static CallState Of(MessageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(Key, out object? value) && value is CallState state
            ? state
            : throw new InvalidOperationException("The audit filter must run first.");
    }
}

/// <summary>The audit outcomes of DESIGN §3.1.</summary>
public static class AuditOutcome
{
    public const string Ok = "ok";
    public const string Invalid = "invalid";
    public const string Denied = "denied";
    public const string RateLimited = "rate_limited";

    /// <summary>Refused because too many calls were already running (<c>Concurrency</c> settings).</summary>
    public const string Busy = "busy";
    public const string Unconfirmed = "unconfirmed";
    public const string BackendError = "backend_error";
    public const string Error = "error";
    public const string Cancelled = "cancelled";
}

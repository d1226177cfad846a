using System.Diagnostics;
using System.Text.Json;
using McpServers.Shared.Audit;
using McpServers.Shared.Hosting;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>Outermost stage: exactly one audit event per call, whatever happens inside.</summary>
internal sealed class AuditFilter(AuditLog audit, AuditContext auditContext, ToolRegistry registry, ServerIdentity identity,
    TimeProvider time, ClientDirectory? clients = null) : ICallToolFilter
{
    private static readonly IReadOnlySet<string> NoSecrets = new HashSet<string>();
    private static readonly string OsUser = Environment.UserName;

    public async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next, CancellationToken cancellationToken)
    {
        var state = new CallState(Guid.NewGuid().ToString("N")[..16]);
        state.Attach(context);
        using Activity? span = CallTelemetry.Source.StartActivity("tools/call " + (context.Params?.Name ?? string.Empty), ActivityKind.Server);
        long started = Stopwatch.GetTimestamp();
        DateTimeOffset timestamp = time.GetUtcNow();
        string tool = context.Params?.Name ?? string.Empty;
        // Taken before later stages replace them (the confirmation token stripped), so the trail shows the call as the client made it.
        IDictionary<string, JsonElement>? asCalled = context.Params?.Arguments;
        RegisteredTool? registered = null;
        Caller? caller = Caller.From(context.User);
        Caller.Current = caller;

        try
        {
            // Tools a source loads in the background are waited for first: the call needs them, and their own secret
            // parameters are redacted from the trail.
            try
            {
                await registry.WhenReadyAsync(cancellationToken);
            }
            catch (ToolsUnavailableException e)
            {
                state.Set(AuditOutcome.Error, "tools not loaded");
                return ToolResults.Error(e.Message);
            }

            registry.TryGet(tool, out registered);
            // The SDK matched the name against its own collection, which is empty: the registry holds the tools.
            context.MatchedPrimitive ??= registered?.Tool;

            // Fail closed: a change that cannot be audited is not made. Reads go on (their lines go to stderr).
            // A call policy refuses anyway gets policy's own words from the next stage.
            if (registered is { IsReadOnly: false } && registry.Refusal(registered) is null && !audit.EnsureWritable())
            {
                state.Set(AuditOutcome.Denied, "audit log cannot be written");
                return ToolResults.Error(
                    $"'{tool}' changes data, and this server's audit log cannot be written right now, so nothing was done. An administrator must fix the audit log location (setting Audit:Path, --audit-log); the server's diagnostic log says what is wrong.");
            }

            CallToolResult result = await next(context, cancellationToken);
            if (result.IsError == true && state.Outcome == AuditOutcome.Ok)
            {
                state.Set(AuditOutcome.Error, "tool returned an error");
            }

            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            state.Set(AuditOutcome.Cancelled, "cancelled by the client");
            throw;
        }
        catch (McpProtocolException e)
        {
            state.Set(AuditOutcome.Invalid, e.ErrorCode == McpErrorCode.InvalidParams ? "unknown tool or invalid request" : e.ErrorCode.ToString());
            throw;
        }
        catch (Exception)
        {
            state.Set(AuditOutcome.Error, "unhandled exception");
            throw;
        }
        finally
        {
            JsonElement arguments = audit.Redact(asCalled, registered?.SecretParameters ?? NoSecrets);
            Implementation? client = context.Server.ClientInfo ?? await LookupClientAsync(caller);
            double elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            CallTelemetry.Call(tool, state.Outcome, elapsed);
            span?.SetTag("mcp.tool", tool).SetTag("mcp.outcome", state.Outcome).SetTag("mcp.correlation_id", state.CorrelationId);
            audit.Write(new AuditEvent(timestamp, identity.Name, identity.Version, OsUser, BackendIdentity(caller),
                client?.Name, client?.Version, tool, arguments,
                elapsed, state.Outcome, state.Reason, auditContext.Downstream,
                state.CorrelationId, auditContext.Warnings)
            { Caller = caller, BackendCredential = auditContext.BackendCredential });
        }
    }

    /// <summary>As whom the backend is called: the caller's own linked account (per-user sign-in), or what the server knows.</summary>
    private string? BackendIdentity(Caller? caller) =>
        caller is not null && auditContext.BackendCredential == AuditContext.PerUserCredential
            ? $"{caller.Subject} (own linked account)"
            : auditContext.BackendIdentity;

    /// <summary>The client a stateless HTTP caller named in its initialize; null when unknown (never fails the call).</summary>
    private async Task<Implementation?> LookupClientAsync(Caller? caller)
    {
        if (clients is null || caller is null)
        {
            return null;
        }

        try
        {
            return await clients.LookupAsync(caller);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>The one audit line of a call refused before the call-tool filters could run.</summary>
    internal void WriteRefused(MessageContext context, JsonRpcRequest request, string tool, JsonElement arguments, string outcome, string reason)
    {
        Dictionary<string, JsonElement>? values = arguments.ValueKind == JsonValueKind.Object
            ? arguments.EnumerateObject().GroupBy(p => AuditLog.SafeName(p)).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal)
            : null;
        Implementation? client = request.Context?.ClientInfo ?? context.Server.ClientInfo;
        Caller? caller = Caller.From(context.User);
        audit.Write(new AuditEvent(time.GetUtcNow(), identity.Name, identity.Version, OsUser, BackendIdentity(caller),
            client?.Name, client?.Version, tool,
            audit.Redact(values, registry.TryGet(tool, out RegisteredTool? registered) ? registered.SecretParameters : NoSecrets),
            0, outcome, reason, auditContext.Downstream, Guid.NewGuid().ToString("N")[..16], auditContext.Warnings)
        { Caller = caller, BackendCredential = auditContext.BackendCredential });
    }

    /// <summary>The audit line of an HTTP request refused before MCP saw it (no or a bad access token, too many requests).</summary>
    internal void WriteHttpRefusal(Caller? caller, string outcome, string reason, string tool = "")
    {
        CallTelemetry.HttpRefusal(caller is null ? "unauthenticated" : outcome == AuditOutcome.Busy ? "busy" : "forbidden");
        audit.Write(new AuditEvent(time.GetUtcNow(), identity.Name, identity.Version, OsUser, BackendIdentity(caller),
            null, null, tool, default, 0, outcome, reason, auditContext.Downstream, Guid.NewGuid().ToString("N")[..16],
            auditContext.Warnings)
        { Caller = caller, BackendCredential = auditContext.BackendCredential });
    }

    /// <summary>The audit line of a per-user backend sign-in being linked (HTTP mode), or of a failed attempt.</summary>
    internal void WriteSignIn(Caller? caller, string outcome, string reason) =>
        audit.Write(new AuditEvent(time.GetUtcNow(), identity.Name, identity.Version, OsUser, BackendIdentity(caller),
            null, null, "", default, 0, outcome, reason, auditContext.Downstream, Guid.NewGuid().ToString("N")[..16], auditContext.Warnings)
        { Caller = caller, BackendCredential = auditContext.BackendCredential });
}

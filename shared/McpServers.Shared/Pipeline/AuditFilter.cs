using System.Diagnostics;
using McpServers.Shared.Audit;
using McpServers.Shared.Hosting;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>Outermost stage: exactly one audit event per call, whatever happens inside.</summary>
internal sealed class AuditFilter(AuditLog audit, AuditContext auditContext, ToolRegistry registry, ServerIdentity identity,
    TimeProvider time) : ICallToolFilter
{
    private static readonly IReadOnlySet<string> NoSecrets = new HashSet<string>();
    private static readonly string OsUser = Environment.UserName;

    public async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next, CancellationToken cancellationToken)
    {
        var state = new CallState(Guid.NewGuid().ToString("N")[..16]);
        state.Attach(context);
        long started = Stopwatch.GetTimestamp();
        DateTimeOffset timestamp = time.GetUtcNow();
        string tool = context.Params?.Name ?? string.Empty;
        // Taken before later stages strip the confirmation token, so the trail shows the call as the client made it.
        var arguments = audit.Redact(context.Params?.Arguments,
            registry.TryGet(tool, out RegisteredTool? registered) ? registered.SecretParameters : NoSecrets);
        try
        {
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
            audit.Write(new AuditEvent(timestamp, identity.Name, identity.Version, OsUser, auditContext.BackendIdentity,
                context.Server.ClientInfo?.Name, context.Server.ClientInfo?.Version, tool, arguments,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, state.Outcome, state.Reason, auditContext.Downstream,
                state.CorrelationId, auditContext.Warnings));
        }
    }
}

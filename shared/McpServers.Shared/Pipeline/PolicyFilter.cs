using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// Refuses tools that policy does not allow — enforced here at call time, not only by hiding them from
/// tools/list, because a client can call any name it likes. Over HTTP it also checks the caller's scopes: mcp:read
/// for read-only tools, mcp:write for the others.
/// </summary>
internal sealed class PolicyFilter(ToolRegistry registry) : ICallToolFilter
{
    public ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next, CancellationToken cancellationToken)
    {
        if (registry.TryGet(context.Params?.Name ?? string.Empty, out RegisteredTool? tool) && registry.Refusal(tool) is { } refusal)
        {
            CallState.Of(context).Set(AuditOutcome.Denied, tool.IsReadOnly ? "tool disabled by policy" : "write tool in read-only mode");
            return ValueTask.FromResult(ToolResults.Error(refusal));
        }

        if (tool is not null && context.User?.Identity?.IsAuthenticated == true && Caller.From(context.User) is { } caller && !caller.MayCall(tool.IsReadOnly))
        {
            string needed = tool.IsReadOnly ? $"{Caller.ReadScope} or {Caller.WriteScope}" : Caller.WriteScope;
            CallState.Of(context).Set(AuditOutcome.Denied, $"missing scope {needed}");
            return ValueTask.FromResult(ToolResults.Error(
                $"'{tool.Name}' needs the scope {needed}, and this caller's access token does not carry it. Nothing was done. Sign in again asking for {needed} (an administrator decides who may have it)."));
        }

        return next(context, cancellationToken);
    }
}

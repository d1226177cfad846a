using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// Refuses tools that policy does not allow — enforced here at call time, not only by hiding them from
/// tools/list, because a client can call any name it likes.
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

        return next(context, cancellationToken);
    }
}

using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>One stage of the call pipeline (DESIGN §3). Stages are singletons and hold no per-call state.</summary>
public interface ICallToolFilter
{
    ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next, CancellationToken cancellationToken);
}

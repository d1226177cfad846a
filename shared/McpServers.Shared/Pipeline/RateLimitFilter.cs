using System.Globalization;
using System.Threading.RateLimiting;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>Token bucket per tool: a runaway agent loop cannot hammer a backend (or send a hundred emails).</summary>
internal sealed class RateLimitFilter(ToolRegistry registry) : ICallToolFilter
{
    public ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next, CancellationToken cancellationToken)
    {
        if (registry.TryGet(context.Params?.Name ?? string.Empty, out RegisteredTool? tool))
        {
            using RateLimitLease lease = tool.Limiter.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                TimeSpan wait = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter)
                    ? retryAfter
                    : TimeSpan.FromMinutes(1) / Math.Max(1, tool.PerMinute);
                string seconds = Math.Max(1, Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                CallState.Of(context).Set(AuditOutcome.RateLimited, $"limit {tool.PerMinute}/min");
                return ValueTask.FromResult(ToolResults.Error(
                    $"Tool '{tool.Name}' is limited to {tool.PerMinute} calls per minute on this server. Nothing was done. Try again in about {seconds} s."));
            }
        }

        return next(context, cancellationToken);
    }
}

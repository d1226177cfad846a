using System.Globalization;
using System.Threading.RateLimiting;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// Token bucket per tool: a runaway agent loop cannot hammer a backend (or send a hundred emails). With
/// <see cref="ISharedState"/> (HTTP replicas sharing Redis) the bucket is shared, so adding replicas does not multiply
/// the limit.
/// </summary>
internal sealed class RateLimitFilter(ToolRegistry registry, ISharedState? shared = null) : ICallToolFilter
{
    public async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next, CancellationToken cancellationToken)
    {
        if (registry.TryGet(context.Params?.Name ?? string.Empty, out RegisteredTool? tool) && await WaitAsync(tool) is { } wait)
        {
            string seconds = Math.Max(1, Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            CallState.Of(context).Set(AuditOutcome.RateLimited, $"limit {tool.PerMinute}/min");
            return ToolResults.Error(
                $"Tool '{tool.Name}' is limited to {tool.PerMinute} calls per minute on this server. Nothing was done. Try again in about {seconds} s.");
        }

        return await next(context, cancellationToken);
    }

    /// <summary>Null when the call may go ahead; otherwise how long until it could.</summary>
    private async ValueTask<TimeSpan?> WaitAsync(RegisteredTool tool)
    {
        if (shared is not null)
        {
            return await shared.TryAcquireAsync("tool:" + tool.Name, tool.PerMinute);
        }

        using RateLimitLease lease = tool.Limiter.AttemptAcquire();
        return lease.IsAcquired ? null
            : lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter) ? retryAfter
            : TimeSpan.FromMinutes(1) / Math.Max(1, tool.PerMinute);
    }
}

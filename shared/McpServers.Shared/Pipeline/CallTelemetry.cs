using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// Traces and metrics of every call, under the name <see cref="Name"/>: a span per tools/call, calls by tool and
/// outcome, latency per tool, and refused HTTP requests by reason. Without a listener (stdio, or HTTP without
/// <c>Service:OtlpEndpoint</c>) each costs a null check.
/// </summary>
public static class CallTelemetry
{
    /// <summary>The ActivitySource and Meter name to subscribe to.</summary>
    public const string Name = "McpServers";

    internal static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Calls = Meter.CreateCounter<long>("mcp.tool.calls", description: "tools/call requests, by tool and outcome");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("mcp.tool.duration", "ms", "tools/call latency in the server, by tool");

    private static readonly Counter<long> Refused = Meter.CreateCounter<long>("mcp.http.refused", description: "HTTP requests refused before MCP (authentication, limits), by reason");

    internal static void Call(string tool, string outcome, double milliseconds)
    {
        var tags = new TagList { { "mcp.tool", tool }, { "mcp.outcome", outcome } };
        Calls.Add(1, tags);
        Duration.Record(milliseconds, new KeyValuePair<string, object?>("mcp.tool", tool));
    }

    internal static void HttpRefusal(string reason) => Refused.Add(1, new KeyValuePair<string, object?>("mcp.reason", reason));
}

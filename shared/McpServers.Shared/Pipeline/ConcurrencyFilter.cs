using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// Caps the calls running at once, server-wide and per tool: a token bucket limits calls per minute, but forty
/// slow calls started together would still take forty backend connections. Over a cap, a call waits briefly for a
/// slot, then is refused as busy. Innermost but one, so a call waiting for a human's confirmation holds no slot.
/// </summary>
internal sealed class ConcurrencyFilter : ICallToolFilter, IDisposable
{
    private readonly ConcurrencyOptions _options;
    private readonly SemaphoreSlim _server;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _tools = new(StringComparer.Ordinal);

    private readonly ToolRegistry _registry;

    public ConcurrencyFilter(IOptions<ConcurrencyOptions> options, ToolRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _options = options.Value;
        _server = new SemaphoreSlim(_options.MaxCalls, _options.MaxCalls);
    }

    public async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next, CancellationToken cancellationToken)
    {
        string name = context.Params?.Name ?? string.Empty;
        if (!_registry.TryGet(name, out _))
        {
            // Unknown names fail in the SDK without reaching a backend; no gate per made-up name.
            return await next(context, cancellationToken);
        }

        SemaphoreSlim tool = _tools.GetOrAdd(name, _ => new SemaphoreSlim(_options.MaxCallsPerTool, _options.MaxCallsPerTool));

        // Always the tool's slot first, then the server's: one order everywhere, so two calls never wait on each other.
        if (!await WaitAsync(tool, cancellationToken))
        {
            return Busy(context, name, _options.MaxCallsPerTool, $"of '{name}' ");
        }

        try
        {
            if (!await WaitAsync(_server, cancellationToken))
            {
                return Busy(context, name, _options.MaxCalls, string.Empty);
            }

            try
            {
                return await next(context, cancellationToken);
            }
            finally
            {
                _server.Release();
            }
        }
        finally
        {
            tool.Release();
        }
    }

    /// <summary>Calls waiting in a queue right now (tests wait for it instead of for time).</summary>
    internal int Queued => Volatile.Read(ref _queued);

    private int _queued;

    private async Task<bool> WaitAsync(SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        if (slots.Wait(0, CancellationToken.None))
        {
            return true;
        }

        Interlocked.Increment(ref _queued);
        try
        {
            return await slots.WaitAsync(_options.QueueTimeout, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    public void Dispose()
    {
        _server.Dispose();
        foreach (SemaphoreSlim gate in _tools.Values)
        {
            gate.Dispose();
        }
    }

    private CallToolResult Busy(RequestContext<CallToolRequestParams> context, string tool, int running, string which)
    {
        string seconds = Math.Max(1, Math.Ceiling(_options.QueueTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        CallState.Of(context).Set(AuditOutcome.Busy, $"{running} calls {which}already running");
        return ToolResults.Error(
            $"busy: {running} calls {which}are already running on this server; retry in {seconds} s. '{tool}' was not started, nothing was done.");
    }
}

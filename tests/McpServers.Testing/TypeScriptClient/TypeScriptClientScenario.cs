using System.Text.Json.Nodes;

namespace McpServers.Testing.TypeScriptClient;

/// <summary>One tool call: the tool's name and its arguments.</summary>
public sealed record ToolCall(string Tool, JsonObject Arguments);

/// <summary>
/// What <see cref="TypeScriptClientStdioTests"/> needs to drive one server with the TypeScript SDK client: how to
/// start the executable against a backend that works inside the test, and which tools to call with what.
/// </summary>
public sealed class TypeScriptClientScenario : IAsyncDisposable
{
    /// <summary>The executable's command name (e.g. <c>mcp-database</c>), resolved by <see cref="Hosting.ServerExecutable"/>.</summary>
    public required string CommandName { get; init; }

    /// <summary>Command-line arguments; the tests add <c>--allow-writes</c>, so every tool is listed and callable.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Variables the client configuration passes to the server (vendor names, secrets); null leaves one out.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Read-only calls that reach the backend and succeed; at least one.</summary>
    public required IReadOnlyList<ToolCall> Reads { get; init; }

    /// <summary>A call of a tool that needs confirmation (a preview first, the write with the token); null when the server has no write tool.</summary>
    public ToolCall? Write { get; init; }

    /// <summary>How many writes the backend has received, when the test can see its backend.</summary>
    public Func<int>? BackendWrites { get; init; }

    /// <summary>A call the advertised schema refuses; by default the first read plus an unknown parameter.</summary>
    public ToolCall? Invalid { get; init; }

    /// <summary>Text the refusal of <see cref="Invalid"/> must contain; by default the unknown parameter's name.</summary>
    public string? InvalidMessage { get; init; }

    /// <summary>The backend started for this scenario (a loopback fake), disposed with it.</summary>
    public IAsyncDisposable? Backend { get; init; }

    public async ValueTask DisposeAsync()
    {
        if (Backend is not null)
        {
            await Backend.DisposeAsync();
        }
    }
}

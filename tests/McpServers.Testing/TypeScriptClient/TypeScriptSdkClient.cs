using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace McpServers.Testing.TypeScriptClient;

/// <summary>
/// The official TypeScript MCP SDK client (<c>node/sdk-client.mjs</c>) driving one server executable over stdio.
/// Each method is one step of the driver's line protocol and returns the SDK's answer: what it accepted, or the
/// error it raised (a protocol error from the server or a result the SDK rejected). Steps run one at a time.
/// </summary>
public sealed class TypeScriptSdkClient : IAsyncDisposable
{
    /// <summary>A guard against a hung step, not a performance limit: start-up of a server under a busy CI machine included.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _node;
    private readonly Channel<string> _answers = Channel.CreateUnbounded<string>();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;

    private TypeScriptSdkClient(Process node)
    {
        _node = node;
        _stdoutPump = Task.Run(async () =>
        {
            while (await node.StandardOutput.ReadLineAsync() is { } line)
            {
                _answers.Writer.TryWrite(line);
            }

            _answers.Writer.TryComplete();
        });
        _stderrPump = Task.Run(async () =>
        {
            while (await node.StandardError.ReadLineAsync() is { } line)
            {
                _stderr.Enqueue(line);
            }
        });
    }

    /// <summary>The driver's and the server's stderr (the SDK passes the server's through).</summary>
    public string Stderr => string.Join('\n', _stderr);

    /// <summary>
    /// Starts the driver and has the SDK spawn <paramref name="executable"/> (a <c>.dll</c> under <c>dotnet</c>, anything
    /// else directly) and initialize a session. Like a client application, the SDK passes the server only its safe
    /// default variables (PATH, HOME, …) plus <paramref name="environment"/> (a null value leaves a variable out).
    /// </summary>
    public static async Task<(TypeScriptSdkClient Client, SdkAnswer Connected)> ConnectAsync(string executable,
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(executable);
        ArgumentNullException.ThrowIfNull(environment);
        TypeScriptSdk.RequireAvailable();
        var client = new TypeScriptSdkClient(StartDriver());

        bool managed = executable.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var args = new JsonArray();
        if (managed)
        {
            args.Add(executable);
        }

        foreach (string argument in arguments)
        {
            args.Add(argument);
        }

        var env = new JsonObject();
        foreach (var (key, value) in environment)
        {
            if (value is not null)
            {
                env[key] = value;
            }
        }

        try
        {
            SdkAnswer connected = await client.StepAsync(new JsonObject
            {
                ["op"] = "connect",
                ["command"] = managed ? "dotnet" : executable,
                ["args"] = args,
                ["env"] = env,
                ["cwd"] = Path.GetDirectoryName(executable) ?? AppContext.BaseDirectory,
            }, cancellationToken);
            return (client, connected);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts the driver and has the SDK connect to a server already serving MCP over Streamable HTTP at
    /// <paramref name="url"/>, sending <paramref name="token"/> as the bearer credential on every request.
    /// </summary>
    public static async Task<(TypeScriptSdkClient Client, SdkAnswer Connected)> ConnectHttpAsync(Uri url, string token,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        TypeScriptSdk.RequireAvailable();
        var client = new TypeScriptSdkClient(StartDriver());
        try
        {
            SdkAnswer connected = await client.StepAsync(new JsonObject { ["op"] = "connectHttp", ["url"] = url.ToString(), ["token"] = token }, cancellationToken);
            return (client, connected);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private static Process StartDriver()
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TypeScriptSdk.DriverDirectory,
        };
        info.ArgumentList.Add(TypeScriptSdk.DriverScript);
        var node = Process.Start(info) ?? throw new InvalidOperationException("Could not start node.");
        node.StandardInput.AutoFlush = true;
        return node;
    }

    /// <summary><c>client.listTools()</c>: the SDK validates every tool, and compiles each output schema for later calls.</summary>
    public Task<SdkAnswer> ListToolsAsync(CancellationToken cancellationToken) =>
        StepAsync(new JsonObject { ["op"] = "listTools" }, cancellationToken);

    /// <summary><c>client.callTool()</c>: the SDK validates the result, and its structured content against the tool's output schema.</summary>
    public Task<SdkAnswer> CallToolAsync(string name, JsonObject arguments, CancellationToken cancellationToken) =>
        StepAsync(new JsonObject { ["op"] = "callTool", ["name"] = name, ["arguments"] = arguments.DeepClone() }, cancellationToken);

    /// <summary>Closes the session (the server is stopped); the result lists errors the transport reported outside any request.</summary>
    public Task<SdkAnswer> CloseAsync(CancellationToken cancellationToken) =>
        StepAsync(new JsonObject { ["op"] = "close" }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_node.HasExited)
        {
            try
            {
                // End of input makes the driver close the session, which stops the server.
                _node.StandardInput.Close();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _node.WaitForExitAsync(timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                _node.Kill(entireProcessTree: true);
            }
        }

        await Task.WhenAll(_stdoutPump, _stderrPump);
        _node.Dispose();
    }

    private async Task<SdkAnswer> StepAsync(JsonObject step, CancellationToken cancellationToken)
    {
        string op = step["op"]!.GetValue<string>();
        await _node.StandardInput.WriteLineAsync(step.ToJsonString().AsMemory(), cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StepTimeout);
        string line;
        try
        {
            line = await _answers.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The TypeScript SDK client gave no answer to '{op}' within {StepTimeout.TotalSeconds} s. Stderr:\n{Stderr}");
        }
        catch (ChannelClosedException)
        {
            await _stderrPump;
            throw new InvalidOperationException($"The TypeScript SDK driver exited before answering '{op}'. Stderr:\n{Stderr}");
        }

        using JsonDocument document = JsonDocument.Parse(line);
        JsonElement root = document.RootElement;
        return root.GetProperty("ok").GetBoolean()
            ? new SdkAnswer(op, root.GetProperty("result").Clone(), null)
            : new SdkAnswer(op, default, SdkError.From(root.GetProperty("error")));
    }
}

/// <summary>One step's answer: the SDK's result, or the error it raised.</summary>
public sealed record SdkAnswer(string Step, JsonElement Result, SdkError? Error)
{
    public bool Ok => Error is null;

    /// <summary>A tool result's <c>isError</c> flag (absent means false).</summary>
    public bool IsError => Ok && Result.TryGetProperty("isError", out JsonElement e) && e.ValueKind == JsonValueKind.True;

    /// <summary>A tool result's text content blocks, joined.</summary>
    public string Text => Ok && Result.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.Array
        ? string.Join('\n', content.EnumerateArray()
            .Where(b => b.TryGetProperty("type", out JsonElement t) && t.GetString() == "text")
            .Select(b => b.GetProperty("text").GetString()))
        : string.Empty;

    /// <summary>A tool result's structured content, when it has one.</summary>
    public JsonElement? StructuredContent =>
        Ok && Result.TryGetProperty("structuredContent", out JsonElement s) && s.ValueKind != JsonValueKind.Null ? s : null;

    /// <summary>For assertion messages: the error, or the result as JSON.</summary>
    public override string ToString() => Error is { } error
        ? $"{Step}: the TypeScript SDK raised {error}"
        : $"{Step}: {Result.GetRawText()}";
}

/// <summary>An error the SDK raised: a JSON-RPC error from the server (with its code) or its own validation failure.</summary>
public sealed record SdkError(string Name, int? Code, string Message, string? Data)
{
    internal static SdkError From(JsonElement error) => new(
        error.GetProperty("name").GetString() ?? "Error",
        error.GetProperty("code").ValueKind == JsonValueKind.Number ? error.GetProperty("code").GetInt32() : null,
        error.GetProperty("message").GetString() ?? string.Empty,
        error.TryGetProperty("data", out JsonElement data) && data.ValueKind != JsonValueKind.Null ? data.GetRawText() : null);

    public override string ToString() => $"{Name}{(Code is { } c ? $" {c}" : string.Empty)}: {Message}{(Data is null ? string.Empty : $" (data: {Data})")}";
}

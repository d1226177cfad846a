using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpServers.Testing.Hosting;

/// <summary>
/// A server executable spawned as a client would spawn it, spoken to with raw JSON-RPC lines. Every stdout line is
/// kept so <see cref="AssertStdoutIsOnlyJsonRpc"/> can prove stdout carried nothing but protocol; stderr is kept
/// for secret checks. Used for the stdio conformance tests and against the published (NativeAOT) binaries.
/// </summary>
public sealed class StdioMcpProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly SemaphoreSlim _stderrArrived = new(0);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private long _nextId = 1000;

    private StdioMcpProcess(Process process)
    {
        _process = process;
        _stdoutPump = Task.Run(() => PumpAsync(process.StandardOutput, OnStdout));
        _stderrPump = Task.Run(() => PumpAsync(process.StandardError, line =>
        {
            _stderr.Enqueue(line);
            _stderrArrived.Release();
        }));
    }

    public IReadOnlyList<string> StdoutLines => [.. _stdout];

    public IReadOnlyList<string> StderrLines => [.. _stderr];

    public string Stderr => string.Join('\n', _stderr);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public int Id => _process.Id;

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>A memory figure of the process from /proc (Linux): <c>VmRSS</c> now, <c>VmHWM</c> the peak; kB.</summary>
    public long ResidentKb(string field)
    {
        string status = File.ReadAllText($"/proc/{_process.Id}/status");
        string line = status.Split('\n').First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Starts <paramref name="executable"/>: a <c>.dll</c> runs under <c>dotnet</c>, anything else directly.
    /// </summary>
    public static StdioMcpProcess Start(string executable, IEnumerable<string>? arguments = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        ProcessStartInfo info = StartInfo(executable);
        foreach (string argument in arguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.StandardInput.AutoFlush = true;
        return new StdioMcpProcess(process);
    }

    /// <summary>How to start a server: a <c>.dll</c> under <c>dotnet</c>, a native binary directly; all streams redirected.</summary>
    public static ProcessStartInfo StartInfo(string executable)
    {
        ArgumentNullException.ThrowIfNull(executable);
        bool managed = executable.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(managed ? "dotnet" : executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(executable) ?? AppContext.BaseDirectory,
        };
        if (managed)
        {
            info.ArgumentList.Add(executable);
        }

        return info;
    }

    /// <summary>Runs the server once to completion (e.g. <c>--help</c>, <c>--check</c>) with stdin closed.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunOnceAsync(string executable, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null, CancellationToken cancellationToken = default)
    {
        ProcessStartInfo info = StartInfo(executable);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // A private HOME keeps the default audit folder out of the real one.
        info.Environment["HOME"] = Directory.CreateTempSubdirectory("mcp-home-").FullName;
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Writes one raw line to the server's stdin (may be garbage on purpose).</summary>
    public Task SendAsync(string line) => _process.StandardInput.WriteLineAsync(line);

    /// <summary>
    /// Waits until a stderr line matches (e.g. the address <c>login</c> prints for the browser) and returns it; fails
    /// with the stderr so far when none does within the timeout or the process ends first.
    /// </summary>
    public async Task<string> WaitForStderrAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(match);
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            if (_stderr.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            try
            {
                await _stderrArrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching stderr line within {(timeout ?? DefaultTimeout).TotalSeconds} s. Stderr:\n{Stderr}");
            }
        }
    }

    /// <summary>Sends a request and returns the whole response object (with "result" or "error").</summary>
    public async Task<JsonElement> RequestAsync(string method, JsonNode? parameters = null, TimeSpan? timeout = null)
    {
        long id = Interlocked.Increment(ref _nextId);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method };
        if (parameters is not null)
        {
            request["params"] = parameters;
        }

        await SendAsync(request.ToJsonString());
        try
        {
            return await completion.Task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No response to '{method}' within {(timeout ?? DefaultTimeout).TotalSeconds} s. Stderr:\n{Stderr}");
        }
    }

    public async Task<JsonElement> InitializeAsync(string protocolVersion = "2025-11-25")
    {
        JsonElement response = await RequestAsync("initialize", new JsonObject
        {
            ["protocolVersion"] = protocolVersion,
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "stdio-test", ["version"] = "1.0" },
        });
        await SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        return response;
    }

    public Task<JsonElement> CallToolAsync(string name, JsonObject? arguments = null) =>
        RequestAsync("tools/call", new JsonObject { ["name"] = name, ["arguments"] = arguments ?? [] });

    /// <summary>Fails unless every stdout line was a JSON-RPC 2.0 message.</summary>
    public void AssertStdoutIsOnlyJsonRpc()
    {
        foreach (string line in _stdout)
        {
            if (!IsJsonRpc(line))
            {
                throw new Xunit.Sdk.XunitException($"stdout carried something other than JSON-RPC: {line[..Math.Min(line.Length, 300)]}");
            }
        }
    }

    /// <summary>Closes stdin (the client going away) and waits for a clean exit.</summary>
    public async Task<int> CloseAndWaitAsync(TimeSpan? timeout = null)
    {
        _process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        await _process.WaitForExitAsync(cts.Token);
        await Task.WhenAll(_stdoutPump, _stderrPump);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await CloseAndWaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        _stderrArrived.Dispose();
    }

    private static bool IsJsonRpc(string line)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("jsonrpc", out JsonElement version) && version.GetString() == "2.0";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private void OnStdout(string line)
    {
        _stdout.Enqueue(line);
        if (!IsJsonRpc(line))
        {
            return;
        }

        using JsonDocument document = JsonDocument.Parse(line);
        JsonElement root = document.RootElement;
        if (root.TryGetProperty("id", out JsonElement id) && id.ValueKind == JsonValueKind.Number
            && (root.TryGetProperty("result", out _) || root.TryGetProperty("error", out _))
            && _pending.TryRemove(id.GetInt64(), out TaskCompletionSource<JsonElement>? completion))
        {
            completion.TrySetResult(root.Clone());
        }
    }

    private static async Task PumpAsync(StreamReader reader, Action<string> onLine)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            onLine(line);
        }
    }
}

/// <summary>Finds a server executable for stdio tests: the build output, or a published binary named by the environment.</summary>
public static class ServerExecutable
{
    /// <summary>
    /// <c>MCP_TEST_EXE_MCP_DATABASE=/path/to/native/mcp-database</c> runs the stdio tests against that binary (e.g. the
    /// NativeAOT publish); otherwise the framework-dependent build copied next to the tests is used.
    /// </summary>
    public static string Resolve(string commandName)
    {
        ArgumentNullException.ThrowIfNull(commandName);
        string variable = "MCP_TEST_EXE_" + commandName.Replace('-', '_').ToUpperInvariant();
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } published)
        {
            return published;
        }

        // Prefer the server's own build output (artifacts/bin/<Project>/<config>/), which has exactly the files it
        // ships with; the copy next to the tests resolves assemblies through the test project's framework references.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = testOutput.Name;
        DirectoryInfo? binRoot = testOutput.Parent?.Parent;
        if (binRoot is not null)
        {
            // The server's own folder is the one where it is the only application (tests and benchmarks that
            // reference it carry a copy next to their own runtimeconfig).
            foreach (DirectoryInfo project in binRoot.EnumerateDirectories())
            {
                string folder = Path.Combine(project.FullName, configuration);
                string candidate = Path.Combine(folder, commandName + ".dll");
                if (File.Exists(candidate) && Directory.GetFiles(folder, "*.runtimeconfig.json") is [var only]
                    && Path.GetFileName(only) == commandName + ".runtimeconfig.json")
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"No build of {commandName} found under {binRoot?.FullName}; build the solution first.");
    }
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpServers.Testing.Hosting;

/// <summary>
/// A server executable running in HTTP mode (<c>--http http://127.0.0.1:0</c>) and a plain JSON-RPC-over-HTTP caller
/// for it: each request is one POST, answered as JSON or as a server-sent event stream. The audit log goes to stderr
/// (<c>--audit-log -</c>), where <see cref="AuditLines"/> reads it.
/// </summary>
public sealed class HttpMcpServer : IAsyncDisposable
{
    private const string Listening = "serving MCP over HTTP at ";
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    private readonly StdioMcpProcess _process;
    private int _id;

    private HttpMcpServer(StdioMcpProcess process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public Uri Endpoint => new(BaseUrl, "/mcp");

    public string Stderr => _process.Stderr;

    /// <summary>
    /// Starts <paramref name="executable"/> with <paramref name="arguments"/> on a free loopback port and waits until it
    /// listens. Unless the arguments or environment set Service:BackendIdentity, it is Shared.
    /// </summary>
    public static async Task<HttpMcpServer> StartAsync(string executable, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        // Whose credential reaches the backend must be said (Service:BackendIdentity); tests that do not care say Shared.
        string[] backend = arguments.Any(a => a.StartsWith("Service:BackendIdentity=", StringComparison.Ordinal))
            || environment?.Keys.Any(k => k.EndsWith("__Service__BackendIdentity", StringComparison.Ordinal)) == true
            ? [] : ["--set", "Service:BackendIdentity=Shared"];
        StdioMcpProcess process = StdioMcpProcess.Start(executable, ["--http", "http://127.0.0.1:0", "--audit-log", "-", .. backend, .. arguments], environment);
        try
        {
            string line = await process.WaitForStderrAsync(l => l.Contains(Listening, StringComparison.Ordinal) || l.Contains("cannot start", StringComparison.Ordinal));
            int at = line.IndexOf(Listening, StringComparison.Ordinal);
            if (at < 0)
            {
                throw new InvalidOperationException("The server did not start: " + process.Stderr);
            }

            string url = line[(at + Listening.Length)..].Split(' ', ',')[0];
            return new HttpMcpServer(process, new Uri(url));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>POSTs one JSON-RPC message with <paramref name="token"/> as the bearer credential (none when null).</summary>
    public async Task<HttpResponseMessage> PostAsync(string? token, string json, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Http.SendAsync(request, cancellationToken);
    }

    /// <summary>One request; returns the JSON-RPC response object (with "result" or "error"). Fails on any HTTP error status.</summary>
    public async Task<JsonElement> RequestAsync(string token, string method, JsonNode? parameters = null, CancellationToken cancellationToken = default)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = Interlocked.Increment(ref _id), ["method"] = method };
        if (parameters is not null)
        {
            message["params"] = parameters;
        }

        using HttpResponseMessage response = await PostAsync(token, message.ToJsonString(), cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode} {response.StatusCode}: {body}", null, response.StatusCode);
        }

        // A server-sent event stream: the response is the data of the event that carries our id.
        string json = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? body.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].Trim()).Last()
            : body;
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    public Task<JsonElement> InitializeAsync(string token, string clientName, CancellationToken cancellationToken = default) =>
        RequestAsync(token, "initialize", new JsonObject
        {
            ["protocolVersion"] = "2025-06-18",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = clientName, ["version"] = "9.9" },
        }, cancellationToken);

    /// <summary>tools/call; returns the result object (fails on a JSON-RPC error).</summary>
    public async Task<JsonElement> CallToolAsync(string token, string name, JsonObject? arguments = null, CancellationToken cancellationToken = default)
    {
        JsonElement response = await RequestAsync(token, "tools/call", new JsonObject { ["name"] = name, ["arguments"] = arguments ?? [] }, cancellationToken);
        return response.TryGetProperty("result", out JsonElement result) ? result : throw new InvalidOperationException("JSON-RPC error: " + response);
    }

    /// <summary>The <c>--set</c> arguments of a static API key: only its SHA-256 is configured.</summary>
    public static string[] ApiKey(string name, string key, string scopes, string expires = "2099-01-01") =>
        ["--set", $"Service:ApiKeys:{name}:Sha256={Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)))}",
         "--set", $"Service:ApiKeys:{name}:Scopes={scopes}", "--set", $"Service:ApiKeys:{name}:Expires={expires}"];

    /// <summary>The text content of a tools/call result.</summary>
    public static string Text(JsonElement result) =>
        string.Concat(result.GetProperty("content").EnumerateArray().Select(c => c.GetProperty("text").GetString()));

    public static bool IsError(JsonElement result) => result.TryGetProperty("isError", out JsonElement e) && e.GetBoolean();

    /// <summary>The audit events written so far (one JSON object per stderr line).</summary>
    public IReadOnlyList<JsonElement> AuditLines() =>
        [.. Stderr.Split('\n').Where(l => l.StartsWith("{\"ts\"", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    public async Task<string> GetAsync(string path, CancellationToken cancellationToken = default) =>
        await Http.GetStringAsync(new Uri(BaseUrl, path), cancellationToken);

    /// <summary>Stops the server as a service manager does (SIGTERM: calls in flight finish), then disposes it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited && OperatingSystem.IsLinux())
        {
            _ = Kill(_process.Id, 15);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _process.DisposeAsync();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}

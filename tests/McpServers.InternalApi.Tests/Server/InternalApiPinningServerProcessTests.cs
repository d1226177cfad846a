using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.InternalApi.Tests.Service;
using McpServers.Testing.Hosting;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>
/// Pinning (<c>--approved-tools</c>) with a document that loads after start: the server compares the complete tool set
/// once the document is in, never the empty set before it, and exposes nothing until then.
/// </summary>
public sealed class InternalApiPinningServerProcessTests : IAsyncLifetime
{
    private static readonly string Exe = ServerExecutable.Resolve("mcp-internal-api");
    private readonly LoopbackHttpServer _server = new();
    private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server.Routes.MapGet("/api/slow.json", async () =>
        {
            _requested.TrySetResult();
            await _gate.Task;
            return Results.Text(InventoryService.Document, "application/json");
        });
        await _server.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _gate.TrySetResult();
        await _server.DisposeAsync();
    }

    private string[] Serving(string approved) =>
        ["--openapi", new Uri(_server.BaseAddress, "api/slow.json").ToString(), "--base-url", new Uri(_server.BaseAddress, "api").ToString(),
         "--approved-tools", approved, "--set", "DocumentTimeout=00:05:00"];

    /// <summary>The manifest the same document gives when read from a file (what an administrator reviewed).</summary>
    private static async Task<string> ApprovedAsync(Action<JsonNode>? edit = null)
    {
        var (code, stdout, stderr) = await StdioMcpProcess.RunOnceAsync(Exe,
            ["--print-tools", "--openapi", InventoryService.DocumentFile, "--base-url", "https://inventory.example/api"], cancellationToken: Ct);
        Assert.True(code == 0, stderr);
        JsonNode manifest = JsonNode.Parse(stdout)!;
        edit?.Invoke(manifest);
        string file = Path.Combine(Directory.CreateTempSubdirectory("mcp-pin-api-").FullName, "approved-tools.json");
        await File.WriteAllTextAsync(file, manifest.ToJsonString(), Ct);
        return file;
    }

    /// <summary>Waits until the server asked for the document (or exited without asking).</summary>
    private async Task DocumentRequestedAsync(StdioMcpProcess process)
    {
        while (!_requested.Task.IsCompleted && !process.HasExited)
        {
            await Task.WhenAny(_requested.Task, Task.Delay(50, Ct));
        }
    }

    [Fact]
    public async Task ApprovedTools_WithADocumentStillLoading_WaitsForIt_ThenServesTheApprovedTools()
    {
        string approved = await ApprovedAsync();
        await using var process = StdioMcpProcess.Start(Exe, Serving(approved));

        await DocumentRequestedAsync(process);
        Assert.False(process.HasExited, "compared before the document loaded: " + process.Stderr);
        _gate.SetResult();
        await process.InitializeAsync();
        JsonElement listed = (await process.RequestAsync("tools/list")).GetProperty("result").GetProperty("tools");

        Assert.Contains(listed.EnumerateArray(), t => t.GetProperty("name").GetString() == "api_list_items");
        Assert.Equal(0, await process.CloseAndWaitAsync());
        process.AssertStdoutIsOnlyJsonRpc();
    }

    [Fact]
    public async Task ApprovedTools_Mismatch_OnceTheDocumentLoaded_ExitsOneNamingTheDifference_AndServesNothing()
    {
        string approved = await ApprovedAsync(m =>
            m["tools"]!.AsArray().Single(t => (string?)t!["name"] == "api_list_items")!["description"] = "Approved wording.");
        await using var process = StdioMcpProcess.Start(Exe, Serving(approved));

        await DocumentRequestedAsync(process);
        _gate.SetResult();
        Assert.Equal(1, await process.CloseAndWaitAsync());

        Assert.Empty(process.StdoutLines);
        Assert.Contains("tool 'api_list_items': description changed", process.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("removed", process.Stderr, StringComparison.Ordinal);
    }
}

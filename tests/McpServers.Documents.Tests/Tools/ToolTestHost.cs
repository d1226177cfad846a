using System.Text.Json;
using McpServers.Documents.Backend;
using McpServers.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Documents.Tests.Tools;

/// <summary>mcp-documents in memory with test-double sources (and writers), through a real MCP client and the shared pipeline.</summary>
internal sealed class ToolTestHost : IAsyncDisposable
{
    private ToolTestHost(InMemoryMcpServer host, McpClient client)
    {
        Host = host;
        Client = client;
    }

    public InMemoryMcpServer Host { get; }

    public McpClient Client { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<ToolTestHost> StartAsync(IEnumerable<IDocumentSource> sources, IEnumerable<IDocumentWriter>? writers = null,
        Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["Documents:TimeZone"] = "UTC" };
        foreach (var (k, v) in settings ?? [])
        {
            all[k] = v;
        }

        var host = new InMemoryMcpServer((s, c) =>
        {
            foreach (IDocumentSource source in sources)
            {
                s.AddSingleton(source);
            }

            foreach (IDocumentWriter writer in writers ?? [])
            {
                s.AddSingleton(writer);
            }

            return s.AddDocumentsServer(c);
        }, all);
        return new ToolTestHost(host, await host.ConnectAsync(cancellationToken: Ct));
    }

    public Task<CallToolResult> CallAsync(string tool, string json) =>
        Client.CallToolAsync(tool, Args(json), cancellationToken: Ct).AsTask();

    public async Task<JsonElement> OkAsync(string tool, string json)
    {
        CallToolResult result = await CallAsync(tool, json);
        Assert.True(result.IsError != true, Text(result));
        return result.StructuredContent!.Value;
    }

    public async Task<IReadOnlyList<string>> ToolNamesAsync() =>
        [.. (await Client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name).Order(StringComparer.Ordinal)];

    public static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    public static Dictionary<string, object?> Args(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

using System.Text.Json;
using McpServers.Crm.Backend;
using McpServers.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Crm.Tests.Tools;

/// <summary>mcp-crm's own registration with <see cref="RecordingCrmGateway"/> as the provider and a fixed clock.</summary>
internal sealed class CrmToolHost : IAsyncDisposable
{
    /// <summary>The server's "now" in these tests: 2026-05-20 12:00 UTC.</summary>
    public static readonly DateTimeOffset Now = new(2026, 5, 20, 12, 0, 0, TimeSpan.Zero);

    private CrmToolHost(RecordingCrmGateway gateway, InMemoryMcpServer host, McpClient client)
    {
        Gateway = gateway;
        Host = host;
        Client = client;
    }

    public RecordingCrmGateway Gateway { get; }

    public InMemoryMcpServer Host { get; }

    public McpClient Client { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<CrmToolHost> StartAsync(Dictionary<string, string?>? settings = null, RecordingCrmGateway? gateway = null,
        DateTimeOffset? now = null)
    {
        gateway ??= new RecordingCrmGateway();
        var all = new Dictionary<string, string?>
        {
            ["Crm:Provider"] = "Salesforce",
            ["Crm:TimeZone"] = "UTC",
            ["Crm:DefaultMaxResults"] = "5",
            ["Crm:MaxResults"] = "50",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var host = new InMemoryMcpServer((s, c) => s.AddCrmServer(c, (services, _, _) => services.AddSingleton<ICrmGateway>(gateway)), all,
            services => services.AddSingleton<TimeProvider>(new FixedTime(now ?? Now)));
        return new CrmToolHost(gateway, host, await host.ConnectAsync(cancellationToken: Ct));
    }

    public Task<CallToolResult> CallAsync(string tool, string arguments) =>
        Client.CallToolAsync(tool, JsonDocument.Parse(arguments).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone()),
            cancellationToken: Ct).AsTask();

    public static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    public static JsonElement Structured(CallToolResult result) =>
        result.StructuredContent ?? throw new InvalidOperationException(Text(result));

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Host.DisposeAsync();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

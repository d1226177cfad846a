using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Shared.Tests.Http;

public sealed class ProxyTests
{
    [Fact]
    public async Task ConfiguredProxy_ReceivesTheRequest()
    {
        // The loopback server plays the proxy: a plain-HTTP request through a proxy is sent to it in absolute form.
        await using var proxy = new LoopbackHttpServer();
        proxy.Routes.MapGet("/ping", () => Results.Ok());
        await proxy.StartAsync(TestContext.Current.CancellationToken);
        using var harness = new BackendHttpHarness(new Uri("http://jira.example.invalid/"),
            new Dictionary<string, string?> { ["Proxy"] = proxy.BaseAddress.ToString() });

        using HttpResponseMessage response = await harness.Client.GetAsync(new Uri("ping", UriKind.Relative), TestContext.Current.CancellationToken);

        RecordedRequest received = Assert.Single(proxy.Requests);
        Assert.Equal("/ping", received.Path);
        Assert.Equal("jira.example.invalid", received.Header("Host"));
    }
}

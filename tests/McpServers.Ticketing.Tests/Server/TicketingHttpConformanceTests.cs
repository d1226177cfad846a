using System.Text.Json.Nodes;
using McpServers.Testing.Conformance;
using McpServers.Testing.Hosting;
using McpServers.Testing.Http;
using McpServers.Ticketing.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Ticketing.Tests.Server;

/// <summary>mcp-ticketing in front of a hostile Jira: anonymous Cloud, retries off, so each call is one clear attempt.</summary>
public sealed class TicketingHttpBackend : IHttpBackendServer
{
    public IMcpServerBuilder Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddTicketingServer(configuration);

    public IReadOnlyDictionary<string, string?> SettingsFor(Uri backend) => new Dictionary<string, string?>
    {
        ["Jira:BaseUrl"] = backend.ToString(),
        ["Jira:Flavor"] = "Cloud",
        ["Jira:Anonymous"] = "true",
        ["Jira:Projects"] = "OPS",
        ["Jira:Http:MaxRetries"] = "0",
    };

    public string HttpSection => "Jira:Http";

    public (string Tool, JsonObject Arguments) BackendCall => ("jira_list_projects", []);
}

public sealed class TicketingHttpConformanceTests : HttpBackendConformanceTests<TicketingHttpBackend>
{
    protected override TicketingHttpBackend Server { get; } = new();
}

/// <summary>
/// The OAuth token endpoint is a backend too: redirected, it must not receive a second chance to send the stored
/// refresh token and client secret elsewhere (307/308) or hand over another host's tokens (301/302/303).
/// </summary>
public sealed class TicketingTokenEndpointRedirectTests : IDisposable
{
    private const string RefreshToken = "CANARY-refresh-token";
    private readonly string _folder = Directory.CreateTempSubdirectory("mcp-ticketing-redirect-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task RedirectedTokenEndpoint_IsRefused_AndTheOtherHostGetsNoSecret(int status)
    {
        await using var other = new LoopbackHttpServer();
        other.MapEverywhere(() => Results.Json(new { access_token = "other-host-token", refresh_token = "other-host-refresh", expires_in = 3600 }));
        await other.StartAsync(Ct);
        await using var tokens = new LoopbackHttpServer();
        tokens.MapEverywhere(LoopbackHttpServer.Redirect(status, LoopbackHttpServer.LocationOn(other, "token")));
        await tokens.StartAsync(Ct);
        await using var jira = new LoopbackHttpServer();
        jira.MapEverywhere(() => Results.Json(new { }));
        await jira.StartAsync(Ct);
        string tokenFile = Path.Combine(_folder, "refresh-token");
        // A sign-in as older versions stored it: the refresh token alone.
        File.WriteAllText(tokenFile, RefreshToken);
        await using var host = new InMemoryMcpServer((s, c) => s.AddTicketingServer(c), new Dictionary<string, string?>
        {
            ["Jira:BaseUrl"] = jira.BaseAddress.ToString(),
            ["Jira:Flavor"] = "Cloud",
            ["Jira:Projects"] = "OPS",
            ["Jira:OAuth:ClientId"] = "client-1",
            ["Jira:OAuth:AuthorizationEndpoint"] = new Uri(tokens.BaseAddress, "authorize").ToString(),
            ["Jira:OAuth:TokenEndpoint"] = new Uri(tokens.BaseAddress, "token").ToString(),
            ["Jira:OAuth:TokenFile"] = tokenFile,
            ["Jira:SiteUrl"] = "https://site.example",
            ["Jira:Http:MaxRetries"] = "0",
        });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult result = await client.CallToolAsync("jira_list_projects", new Dictionary<string, object?>(), cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("answered with a redirect to another location", string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text)), StringComparison.Ordinal);
        Assert.Single(tokens.Requests);
        Assert.Empty(other.Requests);
        Assert.DoesNotContain(jira.Requests, r => r.Header("Authorization")?.Contains("other-host", StringComparison.Ordinal) == true);
        Assert.Equal(RefreshToken, File.ReadAllText(tokenFile).Trim());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

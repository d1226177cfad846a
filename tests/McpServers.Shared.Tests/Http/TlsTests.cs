using System.Net;
using System.Security.Cryptography.X509Certificates;
using McpServers.Shared.Errors;
using McpServers.Shared.Http;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace McpServers.Shared.Tests.Http;

public sealed class TlsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();
    private readonly List<string> _files = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServerSignedByUnknownCa_FailsWithoutTheBundle()
    {
        using X509Certificate2 serverCertificate = _certificates.Server();
        await using LoopbackHttpServer server = await StartHttpsAsync(serverCertificate);
        using var harness = new BackendHttpHarness(server.BaseAddress);
        using var request = new HttpRequestMessage(HttpMethod.Get, "ping");

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Equal(BackendErrorKind.Unavailable, error.Kind);
        Assert.Contains("secure connection", error.SafeMessage, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ServerSignedByUnknownCa_SucceedsWithTheExtraCaBundle()
    {
        using X509Certificate2 serverCertificate = _certificates.Server();
        await using LoopbackHttpServer server = await StartHttpsAsync(serverCertificate);
        using var harness = new BackendHttpHarness(server.BaseAddress,
            new Dictionary<string, string?> { ["ExtraCaBundle"] = Track(_certificates.WriteAuthorityPem()) });

        using HttpResponseMessage response = await harness.Client.GetAsync(new Uri("ping", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ExtraCaBundle_DoesNotExcuseAWrongHostName()
    {
        using X509Certificate2 serverCertificate = _certificates.Server(dnsName: "other.example");
        await using LoopbackHttpServer server = await StartHttpsAsync(serverCertificate);
        using var harness = new BackendHttpHarness(server.BaseAddress,
            new Dictionary<string, string?> { ["ExtraCaBundle"] = Track(_certificates.WriteAuthorityPem()) });
        using var request = new HttpRequestMessage(HttpMethod.Get, "ping");

        BackendException error = await Assert.ThrowsAsync<BackendException>(
            () => harness.Client.SendToBackendAsync(request, BackendHttpHarness.System, Ct));

        Assert.Equal(BackendErrorKind.Unavailable, error.Kind);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ClientCertificate_IsPresentedForMutualTls()
    {
        using X509Certificate2 serverCertificate = _certificates.Server();
        using X509Certificate2 clientCertificate = _certificates.Client("CN=mcp-jira-client");
        string clientPem = Track(Path.Combine(Path.GetTempPath(), $"mcp-test-client-{Guid.NewGuid():N}.pem"));
        await File.WriteAllTextAsync(clientPem,
            clientCertificate.ExportCertificatePem() + "\n" + clientCertificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), Ct);
        await using LoopbackHttpServer server = await StartHttpsAsync(serverCertificate, ClientCertificateMode.RequireCertificate);
        using var harness = new BackendHttpHarness(server.BaseAddress, new Dictionary<string, string?>
        {
            ["ExtraCaBundle"] = Track(_certificates.WriteAuthorityPem()),
            ["ClientCertificate"] = clientPem,
        });

        using HttpResponseMessage response = await harness.Client.GetAsync(new Uri("ping", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CN=mcp-jira-client", Assert.Single(server.Requests).ClientCertificateSubject);
    }

    public void Dispose()
    {
        foreach (string file in _files)
        {
            File.Delete(file);
        }

        _certificates.Dispose();
    }

    private static async Task<LoopbackHttpServer> StartHttpsAsync(X509Certificate2 certificate,
        ClientCertificateMode clientCertificates = ClientCertificateMode.NoCertificate)
    {
        var server = new LoopbackHttpServer(new LoopbackHttpServerOptions { Certificate = certificate, ClientCertificateMode = clientCertificates });
        server.Routes.MapGet("/ping", () => Results.Ok());
        await server.StartAsync(Ct);
        return server;
    }

    private string Track(string path)
    {
        _files.Add(path);
        return path;
    }
}

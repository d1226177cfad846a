using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace McpServers.Testing.Http;

public sealed class LoopbackHttpServerOptions
{
    /// <summary>Serve HTTPS with this certificate (it must hold its private key); null serves plain HTTP.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Whether to ask HTTPS clients for a certificate (mutual TLS fakes).</summary>
    public ClientCertificateMode ClientCertificateMode { get; init; } = ClientCertificateMode.NoCertificate;

    /// <summary>Accept any client certificate the client sends (the test asserts on it instead).</summary>
    public bool AllowAnyClientCertificate { get; init; } = true;

    /// <summary>Extra service registrations (e.g. JSON options of a vendor fake), applied before the app is built.</summary>
    public Action<WebApplicationBuilder>? ConfigureBuilder { get; init; }
}

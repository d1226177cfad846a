using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace McpServers.Shared.Tests.Http;

/// <summary>A throwaway CA and certificates it signs, made in memory for one test.</summary>
internal sealed class TestCertificates : IDisposable
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public TestCertificates()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=McpServers Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Authority = request.CreateSelfSigned(_now.AddDays(-1), _now.AddDays(1));
    }

    public X509Certificate2 Authority { get; }

    /// <summary>A server certificate for 127.0.0.1 and localhost (or <paramref name="dnsName"/> only), with its key.</summary>
    public X509Certificate2 Server(string? dnsName = null)
    {
        var names = new SubjectAlternativeNameBuilder();
        if (dnsName is null)
        {
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
        }
        else
        {
            names.AddDnsName(dnsName);
        }

        return Issue("CN=" + (dnsName ?? "localhost"), ServerAuth, names.Build());
    }

    public X509Certificate2 Client(string subject) => Issue(subject, ClientAuth, null);

    /// <summary>The CA as a PEM file; the caller deletes it.</summary>
    public string WriteAuthorityPem()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mcp-test-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, Authority.ExportCertificatePem());
        return path;
    }

    public void Dispose() => Authority.Dispose();

    private X509Certificate2 Issue(string subject, string usage, X509Extension? alternativeNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new(usage)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Authority, true, false));
        if (alternativeNames is not null)
        {
            request.CertificateExtensions.Add(alternativeNames);
        }

        using X509Certificate2 certificate = request.Create(Authority, _now.AddDays(-1), _now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        using X509Certificate2 withKey = certificate.CopyWithPrivateKey(key);

        // Through PKCS#12 so that the key is usable by the TLS stack on every platform (an ephemeral key is not on Windows).
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}

using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace McpServers.Testing.Mail;

/// <summary>
/// A throwaway certificate authority and the server certificate it signs (CN=localhost, SAN 127.0.0.1 and localhost),
/// written as PEM files for Dovecot. No client trusts the authority unless it is handed the authority's PEM.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class MailCertificates
{
    public static X509Certificate2 Create(string directory, out string authorityPath, out string certificatePath, out string keyPath)
    {
        DateTimeOffset notBefore = DateTimeOffset.UtcNow.AddHours(-1);
        DateTimeOffset notAfter = notBefore.AddDays(7);

        using ECDsa authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=McpServers test mail CA, O=McpServers tests", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, critical: false));
        using X509Certificate2 authority = authorityRequest.CreateSelfSigned(notBefore, notAfter);

        using ECDsa serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using X509Certificate2 server = serverRequest.Create(authority, notBefore, notAfter.AddMinutes(-1), RandomNumberGenerator.GetBytes(16));

        authorityPath = Path.Combine(directory, "ca.pem");
        certificatePath = Path.Combine(directory, "server-cert.pem");
        keyPath = Path.Combine(directory, "server-key.pem");
        File.WriteAllText(authorityPath, authority.ExportCertificatePem() + "\n");
        File.WriteAllText(certificatePath, server.ExportCertificatePem() + "\n" + authority.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, serverKey.ExportPkcs8PrivateKeyPem() + "\n");
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return X509CertificateLoader.LoadCertificate(authority.RawData);
    }
}

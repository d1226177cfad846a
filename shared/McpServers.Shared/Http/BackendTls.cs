using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace McpServers.Shared.Http;

/// <summary>Certificate handling for backend clients: an extra CA bundle that adds trust, and a client certificate.</summary>
public static class BackendTls
{
    /// <summary>
    /// A validation callback that accepts what the system accepts, and otherwise retries the chain with the bundle's
    /// roots as the only anchors. Only an unknown-issuer failure is retried: a wrong host name, an expired or revoked
    /// certificate is never rescued by the bundle.
    /// </summary>
    public static RemoteCertificateValidationCallback ExtraTrust(X509Certificate2Collection bundle)
    {
        var roots = new X509Certificate2Collection();
        var intermediates = new X509Certificate2Collection();
        foreach (X509Certificate2 certificate in bundle)
        {
            (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData) ? roots : intermediates).Add(certificate);
        }

        return (_, certificate, chain, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || chain is null
                || !chain.ChainStatus.All(s => s.Status is X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain))
            {
                return false;
            }

            using var custom = new X509Chain();
            custom.ChainPolicy = chain.ChainPolicy.Clone();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.Clear();
            custom.ChainPolicy.CustomTrustStore.AddRange(roots);
            custom.ChainPolicy.ExtraStore.AddRange(intermediates);
            foreach (X509ChainElement element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }

            return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
    }

    public static X509Certificate2Collection LoadBundle(string path)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(path);
        if (bundle.Count == 0)
        {
            throw new InvalidOperationException($"The CA bundle {path} holds no PEM certificate.");
        }

        return bundle;
    }

    public static X509Certificate2 LoadClientCertificate(string path, string? password)
    {
        string extension = Path.GetExtension(path);
        if (extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }

        using X509Certificate2 pem = password is null
            ? X509Certificate2.CreateFromPemFile(path)
            : X509Certificate2.CreateFromEncryptedPemFile(path, password);

        // A PEM key is ephemeral; Windows SChannel cannot use ephemeral keys for client authentication, so round-trip
        // through PKCS#12 (harmless elsewhere).
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}

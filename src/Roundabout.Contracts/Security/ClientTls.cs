using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Roundabout.Contracts.Security;

/// <summary>
/// How a caller dials over TLS: the CAs it trusts for the other side's certificate (the system's
/// trust store when none are given) and, for servers that require one, the certificate it presents.
/// </summary>
public sealed class ClientTls
{
    public ClientTls(X509Certificate2Collection? trustedCa, X509Certificate2? clientCertificate = null)
    {
        TrustedCa = trustedCa is { Count: > 0 } ? trustedCa : null;
        ClientCertificate = clientCertificate;
    }

    /// <summary>The CAs that sign the servers' certificates; null trusts the system's store.</summary>
    public X509Certificate2Collection? TrustedCa { get; }

    /// <summary>The certificate (with its key) presented when the server asks for one; null presents none.</summary>
    public X509Certificate2? ClientCertificate { get; }

    /// <summary>Reads the files given as --tls-ca, --tls-cert and --tls-key; null when none is given (plaintext).</summary>
    /// <param name="caPath">PEM file of the CAs to trust (--tls-ca); null trusts the system's store.</param>
    /// <param name="certificatePath">PEM certificate to present (--tls-cert); null presents none.</param>
    /// <param name="keyPath">PEM private key of that certificate (--tls-key).</param>
    /// <param name="allowOpenKey">Use a key file that other users may read (--allow-open-key-file).</param>
    public static ClientTls? FromFiles(string? caPath, string? certificatePath, string? keyPath, bool allowOpenKey = false)
    {
        if (caPath is null && certificatePath is null)
        {
            return null;
        }

        var ca = caPath is null ? null : TlsFiles.LoadCertificates(caPath);
        var certificate = certificatePath is null ? null : TlsFiles.LoadCertificate(certificatePath, keyPath ?? throw new TlsFileException("--tls-cert needs --tls-key, the file of its private key."), allowOpenKey);
        return new ClientTls(ca, certificate);
    }

    /// <summary>The handshake settings: the server's name is checked as usual; its chain must end at one of <see cref="TrustedCa"/>.</summary>
    public SslClientAuthenticationOptions CreateSslOptions()
    {
        var options = new SslClientAuthenticationOptions();
        if (TrustedCa is not null)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(TrustedCa);
            options.CertificateChainPolicy = policy;
        }

        if (ClientCertificate is not null)
        {
            options.ClientCertificates = [ClientCertificate];
        }

        return options;
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Roundabout.Contracts.Security;

namespace Roundabout.Hosting;

/// <summary>
/// A component's TLS: the certificate it serves (with any intermediates from the same file) and,
/// for mutual TLS, the CAs a caller's certificate must chain to.
/// </summary>
public sealed class ServerTls
{
    private static readonly Oid _clientAuthentication = new("1.3.6.1.5.5.7.3.2");

    public ServerTls(X509Certificate2 certificate, X509Certificate2Collection? intermediates = null, X509Certificate2Collection? clientCa = null)
    {
        Certificate = certificate;
        Intermediates = intermediates ?? [];
        ClientCa = clientCa is { Count: > 0 } ? clientCa : null;
    }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2Collection Intermediates { get; }

    /// <summary>When set, every connection must present a certificate that chains to one of these.</summary>
    public X509Certificate2Collection? ClientCa { get; }

    /// <summary>Reads --tls-cert, --tls-key and --tls-client-ca; throws <see cref="TlsFileException"/> naming a bad file.</summary>
    /// <param name="allowOpenKey">Use a key file that other users may read (--allow-open-key-file).</param>
    public static ServerTls FromFiles(string certificatePath, string keyPath, string? clientCaPath, bool allowOpenKey = false)
    {
        var certificate = TlsFiles.LoadCertificate(certificatePath, keyPath, allowOpenKey);
        var all = TlsFiles.LoadCertificates(certificatePath);
        var intermediates = new X509Certificate2Collection();
        intermediates.AddRange(all.Skip(1).ToArray());
        return new ServerTls(certificate, intermediates, clientCaPath is null ? null : TlsFiles.LoadCertificates(clientCaPath));
    }

    /// <summary>True when <paramref name="certificate"/> chains to <see cref="ClientCa"/> and may be used for client authentication.</summary>
    public bool IsTrustedClient(X509Certificate2 certificate)
    {
        if (ClientCa is null)
        {
            return true;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ClientCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(_clientAuthentication);
        return chain.Build(certificate);
    }
}

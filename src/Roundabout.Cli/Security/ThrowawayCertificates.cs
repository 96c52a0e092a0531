using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Roundabout.Contracts.Security;

namespace Roundabout.Cli.Security;

/// <summary>
/// A certificate authority made for one run, and one certificate it signs for localhost and
/// 127.0.0.1 that serves and dials (server and client authentication), as PEM files in a private
/// temporary directory that is deleted on dispose. ECDSA P-256 keys: made in milliseconds.
/// </summary>
internal sealed class ThrowawayCertificates : IDisposable
{
    private ThrowawayCertificates(string directory)
    {
        Directory = directory;
        CaPath = Path.Combine(directory, "ca.pem");
        CertificatePath = Path.Combine(directory, "localhost.pem");
        KeyPath = Path.Combine(directory, "localhost-key.pem");
    }

    public string Directory { get; }

    public string CaPath { get; }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    public static ThrowawayCertificates Create(string name, TimeProvider time)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("roundabout-tls-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var files = new ThrowawayCertificates(directory);
        var now = time.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name} throwaway CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=localhost", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var leaf = leafRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));

        File.WriteAllText(files.CaPath, ca.ExportCertificatePem());
        File.WriteAllText(files.CertificatePath, leaf.ExportCertificatePem());
        TlsFiles.WritePrivateKey(files.KeyPath, leafKey.ExportPkcs8PrivateKeyPem());
        return files;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the directory is under the temporary folder and holds a throwaway key.
        }
    }
}

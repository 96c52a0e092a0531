using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Roundabout.Testing;

/// <summary>
/// Certificates made in process for TLS tests: a CA, and certificates it signs for localhost and
/// 127.0.0.1, written as PEM files to a temporary directory deleted on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly X509Certificate2 _ca;
    private readonly ECDsa _caKey;

    private TestCertificates(string directory, string name)
    {
        Directory = directory;
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        CaPath = Path.Combine(directory, "ca.pem");
        File.WriteAllText(CaPath, _ca.ExportCertificatePem());
        (CertificatePath, KeyPath) = Issue("localhost");
    }

    public string Directory { get; }

    /// <summary>The CA certificate, PEM.</summary>
    public string CaPath { get; }

    /// <summary>A certificate for localhost, 127.0.0.1 and ::1, usable to serve and to dial.</summary>
    public string CertificatePath { get; }

    public string KeyPath { get; }

    public X509Certificate2 Ca => _ca;

    /// <summary>A fresh CA with its own localhost certificate, in a directory of its own.</summary>
    public static TestCertificates Create(string name = "Roundabout test CA") =>
        new(System.IO.Directory.CreateTempSubdirectory("roundabout-test-tls-").FullName, name);

    /// <summary>Another certificate signed by this CA, as (certificate file, key file).</summary>
    public (string Certificate, string Key) Issue(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
        using var certificate = request.Create(_ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(16));
        var certificatePath = Path.Combine(Directory, $"{name}.pem");
        var keyPath = Path.Combine(Directory, $"{name}-key.pem");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        Contracts.Security.TlsFiles.WritePrivateKey(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

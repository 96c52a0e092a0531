using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Roundabout.Contracts.Security;

/// <summary>Reads PEM certificates and keys; every failure names the file and what is wrong with it.</summary>
public static class TlsFiles
{
    /// <summary>
    /// The certificate in <paramref name="certificatePath"/> (its first PEM certificate) with the
    /// private key in <paramref name="keyPath"/>. Throws <see cref="TlsFileException"/> when a file
    /// is missing or unreadable, holds no PEM, or the key does not belong to the certificate.
    /// </summary>
    public static X509Certificate2 LoadCertificate(string certificatePath, string keyPath)
    {
        LoadCertificates(certificatePath);
        var keyText = ReadText(keyPath);
        if (!keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new TlsFileException($"'{keyPath}' holds no PEM private key (-----BEGIN PRIVATE KEY-----, EC PRIVATE KEY or RSA PRIVATE KEY).");
        }

        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath), keyText);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new TlsFileException($"the key in '{keyPath}' cannot be used with the certificate in '{certificatePath}': {Reason(ex)}. " +
                "Give the key that was made with this certificate, unencrypted, in PEM.", ex);
        }
    }

    /// <summary>
    /// Every PEM certificate in <paramref name="path"/> (a CA bundle, or a certificate followed by
    /// its intermediates). Throws <see cref="TlsFileException"/> when the file is missing or unreadable or holds none.
    /// </summary>
    public static X509Certificate2Collection LoadCertificates(string path)
    {
        var text = ReadText(path);
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(text);
        }
        catch (CryptographicException ex)
        {
            throw new TlsFileException($"'{path}' holds a damaged PEM certificate: {ex.Message.TrimEnd('.')}.", ex);
        }

        if (certificates.Count == 0)
        {
            throw new TlsFileException($"'{path}' holds no PEM certificate (a block starting -----BEGIN CERTIFICATE-----).");
        }

        return certificates;
    }

    // An ArgumentException's message ends in "(Parameter 'name')", which means nothing to a user.
    private static string Reason(Exception ex) =>
        (ex is ArgumentException { ParamName: { } name } ? ex.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : ex.Message).TrimEnd('.');

    private static string ReadText(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new TlsFileException("the file name is empty.");
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TlsFileException($"'{path}' does not exist.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new TlsFileException($"cannot read '{path}': {ex.Message.TrimEnd('.')}.", ex);
        }
    }
}

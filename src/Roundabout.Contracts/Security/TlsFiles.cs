using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Roundabout.Contracts.Security;

/// <summary>Reads PEM certificates and keys; every failure names the file and what is wrong with it.</summary>
public static class TlsFiles
{
    /// <summary>
    /// The certificate in <paramref name="certificatePath"/> (its first PEM certificate) with the
    /// private key in <paramref name="keyPath"/>. Throws <see cref="TlsFileException"/> when a file
    /// is missing or unreadable, holds no PEM, or the key does not belong to the certificate; and,
    /// unless <paramref name="allowOpenKey"/>, when the key file is open to other users (<see cref="CheckKeyFileMode"/>).
    /// </summary>
    public static X509Certificate2 LoadCertificate(string certificatePath, string keyPath, bool allowOpenKey = false)
    {
        LoadCertificates(certificatePath);
        var keyText = ReadText(keyPath);
        if (!keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new TlsFileException($"'{keyPath}' holds no PEM private key (-----BEGIN PRIVATE KEY-----, EC PRIVATE KEY or RSA PRIVATE KEY).");
        }

        if (!allowOpenKey)
        {
            CheckKeyFileMode(keyPath);
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

    /// <summary>The mode bits that let a user other than the owner reach a file: ssh refuses a private key with any of them.</summary>
    private const UnixFileMode OpenToOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Refuses a private key file that its group or other users may read or write, as ssh does: a
    /// key others can read is no longer private, and one they can write lets them serve as us.
    /// On Windows, which has no such mode bits, it checks nothing.
    /// </summary>
    public static void CheckKeyFileMode(string keyPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(keyPath);
        if ((mode & OpenToOthers) != 0)
        {
            throw new TlsFileException(
                $"the private key file '{keyPath}' is open to other users (mode {Octal(mode)}); a private key must be readable by its owner alone. " +
                $"Run 'chmod 600 {keyPath}', or pass --allow-open-key-file to use it anyway.");
        }
    }

    /// <summary>Writes a private key as a file only its owner can read or write (mode 0600) from the moment it exists.</summary>
    public static void WritePrivateKey(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.Write(pem);
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');

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

using Roundabout.Contracts.Security;

namespace Roundabout.Contracts.Tests;

/// <summary>Bad certificate files give one clear message that names the file.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait(Tier.Name, Tier.Unit)]
public sealed class TlsFilesTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();

    [Fact]
    public void LoadCertificate_MatchingPair_HasItsPrivateKey()
    {
        using var certificate = TlsFiles.LoadCertificate(_certificates.CertificatePath, _certificates.KeyPath);

        Assert.True(certificate.HasPrivateKey);
        Assert.Equal("CN=localhost", certificate.Subject);
    }

    [Fact]
    public void LoadCertificate_KeyOfAnotherCertificate_SaysTheKeyDoesNotBelong()
    {
        var (_, otherKey) = _certificates.Issue("other");

        var error = Assert.Throws<TlsFileException>(() => TlsFiles.LoadCertificate(_certificates.CertificatePath, otherKey));

        Assert.Contains($"the key in '{otherKey}' cannot be used with the certificate in '{_certificates.CertificatePath}'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCertificates_MissingFile_NamesIt()
    {
        var missing = Path.Combine(_certificates.Directory, "missing.pem");

        var error = Assert.Throws<TlsFileException>(() => TlsFiles.LoadCertificates(missing));

        Assert.Equal($"'{missing}' does not exist.", error.Message);
    }

    [Fact]
    public void LoadCertificates_FileWithoutACertificate_SaysItHoldsNoPem()
    {
        var error = Assert.Throws<TlsFileException>(() => TlsFiles.LoadCertificates(_certificates.KeyPath));

        Assert.Contains($"'{_certificates.KeyPath}' holds no PEM certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCertificate_CertificateGivenAsTheKey_SaysItHoldsNoKey()
    {
        var error = Assert.Throws<TlsFileException>(() => TlsFiles.LoadCertificate(_certificates.CertificatePath, _certificates.CertificatePath));

        Assert.Contains("holds no PEM private key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_WritesTheKeyReadableByItsOwnerAlone()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_certificates.KeyPath));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, "0644")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite, "0666")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupRead, "0440")]
    public void LoadCertificate_KeyFileOpenToOthers_IsRefusedNamingTheFileAndTheChmodToRun(UnixFileMode mode, string octal)
    {
        File.SetUnixFileMode(_certificates.KeyPath, mode);

        var error = Assert.Throws<TlsFileException>(() => TlsFiles.LoadCertificate(_certificates.CertificatePath, _certificates.KeyPath));

        Assert.Contains($"the private key file '{_certificates.KeyPath}' is open to other users (mode {octal})", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Run 'chmod 600 {_certificates.KeyPath}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("--allow-open-key-file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCertificate_KeyFileOpenToOthers_IsUsedWhenAllowed()
    {
        File.SetUnixFileMode(_certificates.KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);

        using var certificate = TlsFiles.LoadCertificate(_certificates.CertificatePath, _certificates.KeyPath, allowOpenKey: true);

        Assert.True(certificate.HasPrivateKey);
    }

    [Fact]
    public void LoadCertificate_KeyFileOfItsOwnerAlone_IsUsed()
    {
        File.SetUnixFileMode(_certificates.KeyPath, UnixFileMode.UserRead);

        using var certificate = TlsFiles.LoadCertificate(_certificates.CertificatePath, _certificates.KeyPath);

        Assert.True(certificate.HasPrivateKey);
    }

    public void Dispose() => _certificates.Dispose();
}

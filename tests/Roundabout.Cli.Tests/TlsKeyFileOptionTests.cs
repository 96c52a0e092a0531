using Roundabout.Cli.Commands;

namespace Roundabout.Cli.Tests;

/// <summary>A --tls-key file that others may read is an option error saying what to chmod, unless --allow-open-key-file says to use it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait(Tier.Name, Tier.Unit)]
public sealed class TlsKeyFileOptionTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose() => _certificates.Dispose();

    [Theory]
    [InlineData("server")]
    [InlineData("registry")]
    [InlineData("sum")]
    public void OpenKeyFile_IsAnOptionErrorNamingTheFileAndTheChmod(string command)
    {
        File.SetUnixFileMode(_certificates.KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var parse = Parse(command, "--tls-cert", _certificates.CertificatePath, "--tls-key", _certificates.KeyPath);

        Assert.True(parse.IsError);
        var error = Assert.Single(parse.Result.Errors, e => e.Message.StartsWith("--tls-key:", StringComparison.Ordinal));
        Assert.Contains($"'{_certificates.KeyPath}' is open to other users (mode 0644)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 {_certificates.KeyPath}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenKeyFile_WithAllowOpenKeyFile_IsAccepted()
    {
        File.SetUnixFileMode(_certificates.KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var parse = Parse("server", "--tls-cert", _certificates.CertificatePath, "--tls-key", _certificates.KeyPath, "--allow-open-key-file");

        Assert.False(parse.IsError, string.Join("; ", parse.Result.Errors.Select(e => e.Message)));
    }

    private static EnvironmentParse Parse(params string[] args) =>
        EnvironmentOptions.Parse(RootCommandFactory.Create(TimeProvider.System), args, _ => null);
}

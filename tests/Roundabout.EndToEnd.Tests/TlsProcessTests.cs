using System.Globalization;
using Roundabout.Contracts.Security;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// A cluster over TLS as real processes: a registry, a database that requires its token, and a
/// server that dials both over TLS and serves TLS itself, with certificates made in process; with
/// mutual TLS, every process refuses a client certificate of another CA.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class TlsProcessTests : IDisposable
{
    private const string DatabaseToken = "db-s3cret";
    private readonly TestCertificates _certificates = TestCertificates.Create();

    [Fact]
    public async Task TlsCluster_ClientWithTheCa_SumsAndMultiplies_AndACleartextClientIsToldToPassTheCa()
    {
        await using var cluster = new ProcessCluster();
        var registry = await StartRegistryAsync(cluster);
        var database = await StartDatabaseAsync(cluster, "--token", DatabaseToken);
        await StartServerAsync(cluster, registry, database, "--database-token", DatabaseToken);

        var sum = await ProcessCluster.RunAsync("sum", "2", "3", "--json", "--registry", Address(registry), "--tls-ca", _certificates.CaPath);
        var multiply = await ProcessCluster.RunAsync("multiply", "7", "--name", "tls-e2e", "--json", "--registry", Address(registry), "--tls-ca", _certificates.CaPath);
        var plaintext = await ProcessCluster.RunAsync("sum", "2", "3", "--registry", Address(registry));

        Assert.True(sum.ExitCode == 0, sum.Output);
        Assert.Contains("\"result\":\"5\"", sum.Output, StringComparison.Ordinal);
        Assert.True(multiply.ExitCode == 0, multiply.Output);
        Assert.Contains("\"result\":\"7\"", multiply.Output, StringComparison.Ordinal);
        Assert.Equal(1, plaintext.ExitCode);
        Assert.Contains("dial it with --tls-ca", plaintext.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", plaintext.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MutualTls_ClientWithoutACertificate_IsRefused_AndOneWithItIsServed()
    {
        await using var cluster = new ProcessCluster();
        var registry = await StartRegistryAsync(cluster, "--tls-client-ca", _certificates.CaPath);
        var (clientCertificate, clientKey) = _certificates.Issue("client");

        var without = await ProcessCluster.RunAsync("servers", "--registry", Address(registry), "--tls-ca", _certificates.CaPath);
        var with = await ProcessCluster.RunAsync("servers", "--json", "--registry", Address(registry), "--tls-ca", _certificates.CaPath, "--tls-cert", clientCertificate, "--tls-key", clientKey);

        Assert.Equal(1, without.ExitCode);
        Assert.Contains("--tls-cert and --tls-key", without.Output, StringComparison.Ordinal);
        Assert.True(with.ExitCode == 0, with.Output);
        Assert.Equal("[]", with.Output.Trim());
    }

    [Fact]
    public async Task MutualTlsCluster_CertificateOfAnotherCa_IsRefusedByEveryProcessAfterTheHandshake_AndTheRightOneIsServed()
    {
        await using var cluster = new ProcessCluster();
        string[] mutual = ["--tls-client-ca", _certificates.CaPath];
        var registry = await StartRegistryAsync(cluster, mutual);
        var database = await StartDatabaseAsync(cluster, ["--token", DatabaseToken, .. mutual]);
        var server = await StartServerAsync(cluster, registry, database, ["--database-token", DatabaseToken, .. mutual]);
        using var other = TestCertificates.Create("Another CA");
        var (intruder, intruderKey) = other.Issue("intruder");
        var (client, clientKey) = _certificates.Issue("client");

        var refused = await ProcessCluster.RunAsync("sum", "2", "3", "--registry", Address(registry), "--tls-ca", _certificates.CaPath, "--tls-cert", intruder, "--tls-key", intruderKey);
        var served = await ProcessCluster.RunAsync("sum", "2", "3", "--json", "--registry", Address(registry), "--tls-ca", _certificates.CaPath, "--tls-cert", client, "--tls-key", clientKey);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("The TLS handshake did not complete", refused.Output, StringComparison.Ordinal);
        Assert.True(served.ExitCode == 0, served.Output);
        Assert.Contains("\"result\":\"5\"", served.Output, StringComparison.Ordinal);
        var refusedLine = System.Text.RegularExpressions.Regex.Escape(MutualTlsRefusal.LogMessage("intruder"));
        foreach (var process in new[] { registry, database, server })
        {
            // Each process, dialed directly: dropped after the handshake and logged; the right certificate is answered.
            var (_, refusal) = await MutualTlsRefusal.CheckHealthAsync(Ports[process], ClientTls.FromFiles(_certificates.CaPath, intruder, intruderKey)!, "localhost");
            var (answer, error) = await MutualTlsRefusal.CheckHealthAsync(Ports[process], ClientTls.FromFiles(_certificates.CaPath, client, clientKey)!, "localhost");

            MutualTlsRefusal.AssertClosedAfterTlsHandshake(refusal);
            await process.WaitForLineAsync(refusedLine);
            Assert.Null(error);
            Assert.NotNull(answer);
        }
    }

    [Fact]
    public async Task Server_WithoutTheDatabaseToken_StopsWithAMessageSayingWhichOptionToPass()
    {
        await using var cluster = new ProcessCluster();
        var registry = await StartRegistryAsync(cluster);
        var database = await StartDatabaseAsync(cluster, "--token", DatabaseToken);

        var server = cluster.Track(CliProcess.Start(
            "server", "--port", "0", "--registry", Address(registry), "--database", Address(database),
            "--tls-cert", _certificates.CertificatePath, "--tls-key", _certificates.KeyPath, "--tls-ca", _certificates.CaPath));
        var code = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, code);
        Assert.Contains("refused this server", server.Output, StringComparison.Ordinal);
        Assert.Contains("--database-token", server.Output, StringComparison.Ordinal);
        Assert.Contains("Refused Get from", string.Join('\n', database.Lines.Concat(database.ErrorLines)), StringComparison.Ordinal);
    }

    private async Task<CliProcess> StartRegistryAsync(ProcessCluster cluster, params string[] extra)
    {
        var process = cluster.Track(CliProcess.Start(["registry", "--port", "0", .. TlsServe, .. extra], environment: null));
        Ports[process] = await process.WaitForPortAsync(ProcessCluster.Stamp + @"\[Registry\] Service Registry running on port :(?<port>\d+)$");
        return process;
    }

    private async Task<CliProcess> StartDatabaseAsync(ProcessCluster cluster, params string[] extra)
    {
        var process = cluster.Track(CliProcess.Start(["database", "--port", "0", "--in-memory", .. TlsServe, .. extra], environment: null));
        Ports[process] = await process.WaitForPortAsync(ProcessCluster.Stamp + @"\[Database\] Shared Memory running on port :(?<port>\d+)$");
        return process;
    }

    private async Task<CliProcess> StartServerAsync(ProcessCluster cluster, CliProcess registry, CliProcess database, params string[] extra)
    {
        var process = cluster.Track(CliProcess.Start(
            ["server", "--port", "0", "--registry", Address(registry), "--database", Address(database), .. TlsServe, "--tls-ca", _certificates.CaPath, .. extra],
            environment: null));
        Ports[process] = await process.WaitForPortAsync(ProcessCluster.Stamp + @"\[Server\] Server running on localhost:(?<port>\d+)\. Waiting for requests\.\.\.$");
        return process;
    }

    private string[] TlsServe => ["--tls-cert", _certificates.CertificatePath, "--tls-key", _certificates.KeyPath];

    private Dictionary<CliProcess, int> Ports { get; } = [];

    private string Address(CliProcess process) => "localhost:" + Ports[process].ToString(CultureInfo.InvariantCulture);

    public void Dispose() => _certificates.Dispose();
}

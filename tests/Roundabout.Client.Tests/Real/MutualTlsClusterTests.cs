using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using Roundabout.Contracts.Security;
using Roundabout.Database;
using Roundabout.Hosting;
using Roundabout.Registry;
using Roundabout.Server;

namespace Roundabout.Client.Tests.Real;

/// <summary>
/// Registry, database and server hosts on loopback, all under mutual TLS, the database with its
/// token: the server dials both with its own certificate and the token, and the client library
/// balances over TLS. Each host keeps its warnings, so a test can see which certificate it refused.
/// </summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class MutualTlsClusterTests : IAsyncLifetime
{
    private const string DatabaseToken = "db-s3cret";
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly List<WebApplication> _apps = [];
    private readonly Dictionary<string, (int Port, LogCollector Log)> _hosts = [];
    private int _registryPort;

    public async Task InitializeAsync()
    {
        ServerTls Serving() => ServerTls.FromFiles(_certificates.CertificatePath, _certificates.KeyPath, _certificates.CaPath);
        var registry = await StartAsync("registry", log => RegistryHost.Build(new RegistryHostOptions { Port = 0, Tls = Serving() }, log));
        var database = await StartAsync("database", log => DatabaseHost.Build(new DatabaseHostOptions { Port = 0, InMemory = true, Token = DatabaseToken, Tls = Serving() }, log));
        _registryPort = registry.GetBoundPort();
        await StartAsync("server", log => ServerHost.Build(new ServerHostOptions
        {
            Port = 0,
            AdvertiseHost = "127.0.0.1",
            Registry = [new EndpointAddress("127.0.0.1", _registryPort)],
            Database = new EndpointAddress("127.0.0.1", database.GetBoundPort()),
            DatabaseToken = DatabaseToken,
            Tls = Serving(),
            DialTls = ClientTls.FromFiles(_certificates.CaPath, _certificates.CertificatePath, _certificates.KeyPath),
        }, log));
    }

    [Fact]
    public async Task ClientWithCaAndCertificate_SumsAndMultipliesOverTls()
    {
        await using var client = CreateClient(ClientTls.FromFiles(_certificates.CaPath, _certificates.CertificatePath, _certificates.KeyPath));

        await Eventually.UntilAsync(async () => (await client.RefreshAsync()).Count == 1, "the server registers over mutual TLS");
        var servers = client.CachedServers;
        var sum = await client.SumAsync("40", "2").DefaultTimeout();
        var multiply = await client.MultiplyAsync("6", "mtls").DefaultTimeout();

        Assert.Equal(("42", servers[0].Address), (sum.Result, sum.Server));
        Assert.Equal("6", multiply.Result);
    }

    [Fact]
    public async Task ClientWithoutACertificate_IsRefusedAndToldToPassOne()
    {
        await using var client = CreateClient(ClientTls.FromFiles(_certificates.CaPath, null, null));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.StartAsync().DefaultTimeout());

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("--tls-cert and --tls-key", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientWithACertificateOfAnotherCa_IsRefusedInTheHandshake_WhileTheRightCertificateIsServedByTheSameRegistry()
    {
        using var other = TestCertificates.Create("Another CA");
        var (intruder, intruderKey) = other.Issue("intruder");
        await using var refused = CreateClient(ClientTls.FromFiles(_certificates.CaPath, intruder, intruderKey));
        await using var served = CreateClient(ClientTls.FromFiles(_certificates.CaPath, _certificates.CertificatePath, _certificates.KeyPath));

        var error = await Assert.ThrowsAsync<RpcException>(() => refused.StartAsync().DefaultTimeout());

        // Not the words a dead registry gets: the connection was made and dropped after TLS, and the registry says why.
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("The TLS handshake did not complete", error.Status.Detail, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => _hosts["registry"].Log.Messages.Contains(MutualTlsRefusal.LogMessage("intruder")), "the registry logs the certificate it refused");
        await Eventually.UntilAsync(async () => (await served.RefreshAsync()).Count == 1, "the same registry serves the right certificate");
    }

    [Theory]
    [InlineData("registry")]
    [InlineData("database")]
    [InlineData("server")]
    public async Task Host_ClientCertificateOfAnotherCa_IsRefusedAfterTheTlsHandshakeAndLogged_WhileTheRightOneIsServed(string host)
    {
        using var other = TestCertificates.Create("Another CA");
        var (intruder, intruderKey) = other.Issue("intruder");
        var (port, log) = _hosts[host];

        var (_, refusal) = await MutualTlsRefusal.CheckHealthAsync(port, ClientTls.FromFiles(_certificates.CaPath, intruder, intruderKey)!);
        var (answer, error) = await MutualTlsRefusal.CheckHealthAsync(port, ClientTls.FromFiles(_certificates.CaPath, _certificates.CertificatePath, _certificates.KeyPath)!);

        MutualTlsRefusal.AssertClosedAfterTlsHandshake(refusal);
        await Eventually.UntilAsync(() => log.Messages.Contains(MutualTlsRefusal.LogMessage("intruder")), $"the {host} logs the certificate it refused");
        Assert.Null(error);
        Assert.NotNull(answer);
    }

    [Fact]
    public async Task CleartextClient_IsRefusedAndToldToPassTheCa()
    {
        await using var client = CreateClient(tls: null);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.StartAsync().DefaultTimeout());

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("dial it with --tls-ca", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientTrustingAnotherCa_IsToldTheHandshakeFailed()
    {
        using var other = TestCertificates.Create("Another CA");
        await using var client = CreateClient(ClientTls.FromFiles(other.CaPath, _certificates.CertificatePath, _certificates.KeyPath));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.StartAsync().DefaultTimeout());

        Assert.Contains("The TLS handshake failed", error.Status.Detail, StringComparison.Ordinal);
    }

    private RoundaboutClient CreateClient(ClientTls? tls) => RoundaboutClient.Create(new RoundaboutClientOptions
    {
        Registries = [new EndpointAddress("127.0.0.1", _registryPort)],
        Tls = tls,
    });

    private async Task<WebApplication> StartAsync(string name, Func<Action<IServiceCollection>, WebApplication> build)
    {
        var log = new LogCollector();
        var app = build(services => services.AddSingleton<ILoggerProvider>(log));
        _apps.Add(app);
        await app.StartAsync().DefaultTimeout();
        _hosts[name] = (app.GetBoundPort(), log);
        return app;
    }

    public async Task DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.StopAsync(new CancellationToken(true)).WaitAsync(TimeSpan.FromSeconds(15));
            await app.DisposeAsync();
        }

        _certificates.Dispose();
    }
}

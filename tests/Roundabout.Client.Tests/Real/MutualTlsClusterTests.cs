using Grpc.Core;
using Microsoft.AspNetCore.Builder;
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
/// balances over TLS.
/// </summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class MutualTlsClusterTests : IAsyncLifetime
{
    private const string DatabaseToken = "db-s3cret";
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly List<WebApplication> _apps = [];
    private int _registryPort;

    public async Task InitializeAsync()
    {
        ServerTls Serving() => ServerTls.FromFiles(_certificates.CertificatePath, _certificates.KeyPath, _certificates.CaPath);
        var registry = await StartAsync(RegistryHost.Build(new RegistryHostOptions { Port = 0, Tls = Serving() }));
        var database = await StartAsync(DatabaseHost.Build(new DatabaseHostOptions { Port = 0, InMemory = true, Token = DatabaseToken, Tls = Serving() }));
        _registryPort = registry.GetBoundPort();
        await StartAsync(ServerHost.Build(new ServerHostOptions
        {
            Port = 0,
            AdvertiseHost = "127.0.0.1",
            Registry = [new EndpointAddress("127.0.0.1", _registryPort)],
            Database = new EndpointAddress("127.0.0.1", database.GetBoundPort()),
            DatabaseToken = DatabaseToken,
            Tls = Serving(),
            DialTls = ClientTls.FromFiles(_certificates.CaPath, _certificates.CertificatePath, _certificates.KeyPath),
        }));
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
    public async Task ClientWithACertificateOfAnotherCa_IsRefused()
    {
        using var other = TestCertificates.Create("Another CA");
        await using var client = CreateClient(ClientTls.FromFiles(_certificates.CaPath, other.CertificatePath, other.KeyPath));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.StartAsync().DefaultTimeout());

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("Cannot reach the registry", error.Status.Detail, StringComparison.Ordinal);
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

    private async Task<WebApplication> StartAsync(WebApplication app)
    {
        _apps.Add(app);
        await app.StartAsync().DefaultTimeout();
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

using Grpc.Core;
using Grpc.Net.Client;
using Roundabout.Contracts.Registry.V1;
using RegistryClient = Roundabout.Contracts.Registry.V1.Registry.RegistryClient;

namespace Roundabout.Registry.Tests;

/// <summary>The real <c>roundabout registry</c> process: its exact log lines, its options and its token.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class RegistryProcessTests
{
    private const string Stamp = @"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} ";

    [Fact]
    public async Task Registry_PrintsTheExerciseLines_ForStartRegistrationDeregistrationAndEviction()
    {
        // The default TTL (3 s): a shorter one could expire the first lease before a loaded machine deregisters it.
        await using var process = CliProcess.Start("registry", "--port", "0");
        var port = await process.WaitForPortAsync(Stamp + @"\[Registry\] Service Registry running on port :(?<port>\d+)$");
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new RegistryClient(channel);

        var leaving = await client.RegisterAsync(new RegisterRequest { Address = "localhost:9002" }).ResponseAsync.DefaultTimeout();
        var left = await client.DeregisterAsync(new DeregisterRequest { LeaseId = leaving.LeaseId }).ResponseAsync.DefaultTimeout();
        Assert.True(left.Removed);
        await client.RegisterAsync(new RegisterRequest { Address = "localhost:9001" }).ResponseAsync.DefaultTimeout();

        await process.WaitForLineAsync(Stamp + @"\[Registry\] Server registered: localhost:9002$");
        await process.WaitForLineAsync(Stamp + @"\[Registry\] Server deregistered: localhost:9002$");
        await process.WaitForLineAsync(Stamp + @"\[Registry\] Server registered: localhost:9001$");
        await process.WaitForLineAsync(Stamp + @"\[Registry\] Server evicted \(missed heartbeats\): localhost:9001$");
    }

    [Fact]
    public async Task Registry_TokenFromTheEnvironment_RefusesWritesWithoutIt()
    {
        await using var process = CliProcess.Start(["registry", "--port", "0"], new Dictionary<string, string> { ["ROUNDABOUT_TOKEN"] = "from-env" });
        var port = await process.WaitForPortAsync(@"Service Registry running on port :(?<port>\d+)");
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new RegistryClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.RegisterAsync(new RegisterRequest { Address = "localhost:9001" }).ResponseAsync.DefaultTimeout());
        await client.RegisterAsync(new RegisterRequest { Address = "localhost:9001" }, new Metadata { { "authorization", "Bearer from-env" } })
            .ResponseAsync.DefaultTimeout();

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        await process.WaitForLineAsync(@"\[Registry\] Warning: Refused Register from .+: no token$");
        await process.WaitForLineAsync(@"\[Registry\] Server registered: localhost:9001$");
    }

    [Theory]
    [InlineData("--ttl", "soon")]
    [InlineData("--renew-interval", "5s")]
    [InlineData("--port", "70000")]
    [InlineData("--listen", "everywhere")]
    public async Task Registry_InvalidOption_ExitsWithAMessageAndNoStackTrace(string option, string value)
    {
        // Each bad option alone (with --port 0 for the others, so that nothing binds a fixed port).
        await using var process = CliProcess.Start(option == "--port" ? ["registry", option, value] : ["registry", "--port", "0", option, value]);

        var code = await process.WaitForExitAsync();

        Assert.NotEqual(0, code);
        // The error line itself names the option (the help printed after it names every option).
        Assert.Contains(process.Lines, l => l.Contains("Error: ", StringComparison.Ordinal) && l.Contains(option, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_PortInUse_ExitsWithAClearMessage()
    {
        await using var first = CliProcess.Start("registry", "--port", "0");
        var port = await first.WaitForPortAsync(@"Service Registry running on port :(?<port>\d+)");
        await using var second = CliProcess.Start("registry", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(1, await second.WaitForExitAsync());
        Assert.Contains("--port", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.Output, StringComparison.Ordinal);
    }
}

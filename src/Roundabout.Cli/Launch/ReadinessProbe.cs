using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Roundabout.Contracts;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Contracts.Security;
using Roundabout.Hosting;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;

namespace Roundabout.Cli.Launch;

/// <summary>
/// Whether the components of a local cluster are ready: each answers its gRPC health check as
/// itself (its instance id, so another process on the port is never taken for it), the registry
/// lists the servers, the dashboard answers its page. Each condition is polled until a deadline
/// read from <see cref="TimeProvider"/>; a component that exits meanwhile fails at once.
/// </summary>
/// <param name="owner">Who started the components, for the messages: "up", "verify --chaos".</param>
internal sealed class ReadinessProbe(TimeProvider time, TimeSpan timeout, ClientTls? tls, string owner)
{
    private static readonly TimeSpan _callTimeout = TimeSpan.FromSeconds(3);

    // A component is usually ready within a few polls: a short interval keeps the caller from waiting on its own timer.
    private static readonly TimeSpan _interval = TimeSpan.FromMilliseconds(20);

    public async Task WaitHealthyAsync(ComponentProcess component, CancellationToken cancellationToken)
    {
        using var channel = Channel(component.Port);
        var health = new Health.HealthClient(channel);
        await PollAsync(component.Name + " to become healthy", [component], async () =>
        {
            using var call = health.CheckAsync(new HealthCheckRequest(), deadline: Deadline(), cancellationToken: cancellationToken);
            var headers = await call.ResponseHeadersAsync;
            if (headers.GetValue(GrpcHost.InstanceHeader) != component.InstanceId)
            {
                // Something else answers on the port: never report it as ours.
                throw new LaunchFailedException($"Another process answers on port {component.Port}, not the {component.Name} that {owner} started; stop it or choose another port.");
            }

            var reply = await call.ResponseAsync;
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
        }, cancellationToken);
    }

    /// <summary>Until the registry on <paramref name="registryPort"/> lists every one of <paramref name="servers"/>.</summary>
    public async Task WaitRegisteredAsync(int registryPort, IReadOnlyCollection<ComponentProcess> servers, CancellationToken cancellationToken)
    {
        using var channel = Channel(registryPort);
        var registry = new RegistryApi.RegistryClient(channel);
        await PollAsync($"{servers.Count} server(s) to register", servers, async () =>
        {
            var reply = await registry.ListInstancesAsync(new ListInstancesRequest { Service = ServiceNames.Calculator }, deadline: Deadline(), cancellationToken: cancellationToken);
            return reply.Instances.Count >= servers.Count;
        }, cancellationToken);
    }

    /// <summary>The dashboard speaks HTTP/1.1, not gRPC: its health is a plain GET, answered with the instance id like the others.</summary>
    public async Task WaitDashboardAsync(ComponentProcess dashboard, Uri healthz, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = _callTimeout };
        await PollAsync("the dashboard to answer", [dashboard], async () =>
        {
            try
            {
                using var response = await http.GetAsync(healthz, cancellationToken);
                if (!response.Headers.TryGetValues(GrpcHost.InstanceHeader, out var instance) || instance.FirstOrDefault() != dashboard.InstanceId)
                {
                    throw new LaunchFailedException($"Another process answers on port {dashboard.Port}, not the dashboard that {owner} started; stop it or choose another port with --dashboard-port.");
                }

                return response.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet, or too busy starting to answer within the request's timeout.
                return false;
            }
        }, cancellationToken);
    }

    /// <summary>Fails when the component has exited, with the last line it printed.</summary>
    public static void EnsureRunning(ComponentProcess component)
    {
        if (component.HasExited)
        {
            throw new LaunchFailedException($"The {component.Name} exited while starting: {LastLine(component)}");
        }
    }

    public static string LastLine(ComponentProcess component)
    {
        var lines = component.RecentLines;
        return lines.Count > 0 ? lines[^1] : "it printed nothing";
    }

    // A gRPC deadline is an absolute time: it comes from the same clock as the poll's.
    private DateTime Deadline() => time.GetUtcNow().UtcDateTime + _callTimeout;

    // The component is still starting: a refused connection must be retried within milliseconds,
    // not after the channel's default reconnect backoff of one second.
    private GrpcChannel Channel(int port) => GrpcChannels.ForAddress(
        new EndpointAddress("127.0.0.1", port),
        tls,
        new GrpcChannelOptions { InitialReconnectBackoff = TimeSpan.FromMilliseconds(20), MaxReconnectBackoff = TimeSpan.FromMilliseconds(100) });

    private async Task PollAsync(string what, IEnumerable<ComponentProcess> watched, Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        string? lastError = null;
        while (true)
        {
            foreach (var component in watched)
            {
                EnsureRunning(component);
            }

            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (RpcException ex)
            {
                // Not listening yet.
                lastError = ex.Status.Detail.Length > 0 ? ex.Status.Detail : ex.StatusCode.ToString();
            }

            if (time.GetElapsedTime(started) >= timeout)
            {
                throw new LaunchFailedException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}" + (lastError is null ? "." : $" (last error: {lastError})."));
            }

            await Task.Delay(_interval, time, cancellationToken);
        }
    }
}

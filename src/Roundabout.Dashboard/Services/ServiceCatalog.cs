using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Dashboard.State;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;

namespace Roundabout.Dashboard.Services;

/// <summary>
/// Every <see cref="DashboardOptions.ServiceRefreshInterval"/>, asks the registry for its services
/// (ListServices) and lists the instances of each (ListInstances), so the page can show any one.
/// Bounded whatever registers: at most <see cref="DashboardOptions.MaxServices"/> services and
/// <see cref="DashboardOptions.MaxInstancesPerService"/> instances each are kept, every call has the
/// call deadline, and at most four lists are in flight. The page never makes the dashboard call
/// anything: it picks among what was read here.
/// </summary>
internal sealed class ServiceCatalog(DashboardOptions options, DashboardState state, GrpcChannels channels, TimeProvider time) : BackgroundService
{
    private const int ListsInFlight = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ServiceRefreshInterval, time);
        try
        {
            do
            {
                await RefreshOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task RefreshOnceAsync(CancellationToken cancellationToken)
    {
        var registry = new RegistryApi.RegistryClient(channels.For(options.Registries[0]));
        ListServicesResponse listed;
        try
        {
            listed = await registry.ListServicesAsync(new ListServicesRequest(), deadline: Deadline(), cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            state.ServicesUnreadable(Membership.MembershipMonitor.Describe(ex));
            return;
        }

        using var slots = new SemaphoreSlim(ListsInFlight);
        var names = listed.Services.Take(options.MaxServices).ToArray();
        var views = await Task.WhenAll(names.Select(async summary =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                var reply = await registry.ListInstancesAsync(new ListInstancesRequest { Service = summary.Name }, deadline: Deadline(), cancellationToken: cancellationToken);
                var members = reply.Instances.Take(options.MaxInstancesPerService).Select(Member.From).Select(InstanceView.From).ToArray();
                return new ServiceView(summary.Name, summary.Instances, summary.Suspect, members, reply.Instances.Count > members.Length, null);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                return new ServiceView(summary.Name, summary.Instances, summary.Suspect, [], false, Membership.MembershipMonitor.Describe(ex));
            }
            finally
            {
                slots.Release();
            }
        }));
        state.SetServices(views, listed.Services.Count > names.Length);
    }

    private DateTime Deadline() => time.GetUtcNow().UtcDateTime + options.CallDeadline;
}

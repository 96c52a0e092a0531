using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Registry.Membership;
using Roundabout.Registry.Telemetry;

namespace Roundabout.Registry.Grpc;

/// <summary>The registry's gRPC surface: writes are authorised, validated, then handed to the backend.</summary>
internal sealed class RegistryService(
    IMembershipBackend backend,
    WriteAuthorizer authorizer,
    ClientLimits limits,
    LeaseTimings timings,
    IHostApplicationLifetime lifetime,
    RegistryMetrics metrics,
    ILogger<RegistryService> logger)
    : Contracts.Registry.V1.Registry.RegistryBase
{
    public override async Task<RegisterResponse> Register(RegisterRequest request, ServerCallContext context)
    {
        authorizer.Authorize(context, nameof(Register));
        var registration = RequestRules.Registration(request);
        // Not logged when refused: a flood of registrations would flood the log too; the client is told why.
        limits.AcquireRegistration(ClientLimits.ClientOf(context));
        RegisterOutcome outcome;
        try
        {
            outcome = await backend.RegisterAsync(registration, context.CancellationToken);
        }
        catch (MembershipLimitException ex)
        {
            Log.RequestRefused(logger, nameof(Register), context.Peer, ex.Message);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, ex.Message));
        }

        if (outcome.Joined)
        {
            metrics.Joined(outcome.Instance);
            Log.ServerRegistered(logger, outcome.Instance);
        }

        return new RegisterResponse
        {
            LeaseId = outcome.LeaseId,
            Ttl = Duration.FromTimeSpan(timings.Ttl),
            RenewInterval = Duration.FromTimeSpan(timings.RenewInterval),
        };
    }

    public override async Task<RenewResponse> Renew(RenewRequest request, ServerCallContext context)
    {
        authorizer.Authorize(context, nameof(Renew));
        var leaseId = RequestRules.LeaseId(request.LeaseId);
        var outcome = await backend.RenewAsync(leaseId, context.CancellationToken)
            ?? throw new RpcException(new Status(
                StatusCode.NotFound,
                "the registry does not know this lease (it expired, was replaced, or the registry restarted): register again"));
        if (outcome.Recovered)
        {
            Log.ServerRecovered(logger, outcome.Instance.Address);
        }

        return new RenewResponse { Ttl = Duration.FromTimeSpan(timings.Ttl) };
    }

    public override async Task<DeregisterResponse> Deregister(DeregisterRequest request, ServerCallContext context)
    {
        authorizer.Authorize(context, nameof(Deregister));
        var leaseId = RequestRules.LeaseId(request.LeaseId);
        var removed = await backend.DeregisterAsync(leaseId, context.CancellationToken);
        if (removed is not null)
        {
            Log.ServerDeregistered(logger, removed);
        }

        return new DeregisterResponse { Removed = removed is not null };
    }

    public override async Task<ListInstancesResponse> ListInstances(ListInstancesRequest request, ServerCallContext context)
    {
        var view = await backend.ListAsync(RequestRules.Service(request.Service), context.CancellationToken);
        var response = new ListInstancesResponse { Revision = view.Revision };
        response.Instances.Add(view.Instances.Select(i => i.ToProto()));
        return response;
    }

    public override async Task<ListServicesResponse> ListServices(ListServicesRequest request, ServerCallContext context)
    {
        var response = new ListServicesResponse();
        foreach (var service in await backend.ListServicesAsync(context.CancellationToken))
        {
            response.Services.Add(new ServiceSummary { Name = service.Name, Instances = service.Instances, Suspect = service.Suspect });
        }

        return response;
    }

    public override async Task Watch(WatchRequest request, IServerStreamWriter<WatchEvent> responseStream, ServerCallContext context)
    {
        var service = RequestRules.Service(request.Service);
        IDisposable slot;
        try
        {
            slot = limits.AcquireWatch(ClientLimits.ClientOf(context));
        }
        catch (RpcException ex)
        {
            Log.RequestRefused(logger, nameof(Watch), context.Peer, ex.Status.Detail);
            throw;
        }

        using var _ = slot;

        // Watches are long-lived: end them when the registry stops so that shutdown does not wait for them.
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await foreach (var change in backend.WatchAsync(service, cancellation.Token))
            {
                await responseStream.WriteAsync(change.ToProto(), cancellation.Token);
            }
        }
        catch (MembershipLimitException ex)
        {
            Log.RequestRefused(logger, nameof(Watch), context.Peer, ex.Message);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, ex.Message));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The watcher left or the registry is stopping; the stream simply ends.
        }
    }
}

/// <summary>The lease timings the registry hands to every holder.</summary>
internal sealed record LeaseTimings(TimeSpan Ttl, TimeSpan RenewInterval);

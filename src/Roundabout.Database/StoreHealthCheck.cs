using Microsoft.Extensions.Diagnostics.HealthChecks;
using Roundabout.Database.Engine;

namespace Roundabout.Database;

/// <summary>
/// What grpc.health.v1 reports: SERVING while the store is open and its log writes, NOT_SERVING
/// once the log has failed. (With no check registered the health service would only say UNKNOWN.)
/// </summary>
internal sealed class StoreHealthCheck(KeyValueStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.IsServing
            ? HealthCheckResult.Healthy("The store is open and its log is writable.")
            : HealthCheckResult.Unhealthy("The store is closed or its log failed to write."));
}

namespace Roundabout.Registry.Membership;

/// <summary>
/// Decides whether expirations look like a registry-side fault rather than dead servers. Many
/// servers rarely die in the same instant; a registry that was paused, starved of CPU or cut
/// off from its clients sees all their leases expire at once. Etcd once revoked every lease
/// when its leader stalled (etcd #15247); Eureka's self-preservation answers the same risk.
/// </summary>
internal static class EvictionGuard
{
    /// <summary>
    /// Hold when more than half of a service's instances are failing at once, and at least two
    /// are: a lone server that dies is an ordinary failure and is evicted within the TTL.
    /// </summary>
    public static bool ShouldHold(int failing, int total) => failing >= 2 && failing * 2 > total;
}

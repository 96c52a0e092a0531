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
    /// Hold when more than half of a service's instances expire in one sweep, and at least two
    /// do: a lone server that dies is an ordinary failure and is evicted within the TTL.
    /// </summary>
    public static bool ShouldHold(int expiring, int total) => expiring >= 2 && expiring * 2 > total;
}

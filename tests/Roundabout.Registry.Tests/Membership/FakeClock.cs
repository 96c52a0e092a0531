using Microsoft.Extensions.Time.Testing;
using Roundabout.Registry.Membership;

namespace Roundabout.Registry.Tests.Membership;

/// <summary>Moves fake time forward the way the registry lives through it: in short steps, sweeping after each.</summary>
internal static class FakeClock
{
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    public static async Task<List<SweepReport>> AdvanceAndSweepAsync(FakeTimeProvider time, IMembershipBackend backend, TimeSpan duration)
    {
        var reports = new List<SweepReport>();
        for (var left = duration; left > TimeSpan.Zero; left -= Step)
        {
            time.Advance(left < Step ? left : Step);
            reports.Add(await backend.SweepAsync(CancellationToken.None));
        }

        return reports;
    }
}

using Roundabout.Client.Discovery;

namespace Roundabout.Client.Tests;

/// <summary>The one backoff policy of the registry watch loop, shared by the client and the dashboard.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class RegistryWatchOptionsTests
{
    [Fact]
    public void Next_ByDefault_DoublesFrom250MillisecondsUpTo5Seconds()
    {
        var options = RegistryWatchOptions.Default;

        var waits = Waits(options, 7);

        Assert.Equal([250, 500, 1000, 2000, 4000, 5000, 5000], waits);
    }

    [Fact]
    public void Next_WithALowerLimit_StopsAtIt()
    {
        var options = new RegistryWatchOptions { MaxBackoff = TimeSpan.FromSeconds(2) };

        var waits = Waits(options, 6);

        Assert.Equal([250, 500, 1000, 2000, 2000, 2000], waits);
    }

    private static double[] Waits(RegistryWatchOptions options, int count)
    {
        var waits = new double[count];
        var wait = options.FirstBackoff;
        for (var i = 0; i < count; i++)
        {
            waits[i] = wait.TotalMilliseconds;
            wait = options.Next(wait);
        }

        return waits;
    }
}

namespace Roundabout.Dashboard.Tests.Browser;

/// <summary>Like <see cref="LiveCluster"/>, but each server serves its metrics (on a free port), so the page has traffic to chart.</summary>
public sealed class MetricsCluster : IAsyncLifetime
{
    internal DashboardCluster Cluster { get; private set; } = null!;

    internal HeadlessChromium Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await DashboardCluster.StartAsync(2, "--metrics-port", "0");
        try
        {
            Browser = HeadlessChromium.Start();
        }
        catch
        {
            await Cluster.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            (Browser as IDisposable)?.Dispose();
        }
        finally
        {
            if (Cluster is not null)
            {
                await Cluster.DisposeAsync();
            }
        }
    }
}

namespace Roundabout.Dashboard.Tests.Browser;

/// <summary>One cluster of two servers, its dashboard and one browser, shared by the tests of a class (they run one at a time).</summary>
public sealed class LiveCluster : IAsyncLifetime
{
    internal DashboardCluster Cluster { get; private set; } = null!;

    internal HeadlessChromium Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await DashboardCluster.StartAsync(servers: 2);
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
        // Either may be missing when InitializeAsync failed part-way.
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

namespace Roundabout.Testing;

/// <summary>The processes a test cluster started, killed in the reverse order of their start when it is disposed.</summary>
public sealed class CliProcessGroup : IAsyncDisposable
{
    private readonly List<CliProcess> _processes = [];

    public CliProcess Track(CliProcess process)
    {
        _processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }
    }
}

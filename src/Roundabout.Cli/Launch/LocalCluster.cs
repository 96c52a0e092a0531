namespace Roundabout.Cli.Launch;

/// <summary>
/// The components of a local cluster as child processes of this one: started from their typed
/// arguments, restarted with the same ones, and stopped servers first (so they deregister while
/// the registry still runs), then the others in the reverse order of their start.
/// </summary>
internal sealed class LocalCluster(LaunchOutput output)
{
    private readonly List<ComponentProcess> _components = [];

    /// <summary>Every component started, in the order of their start.</summary>
    public IReadOnlyList<ComponentProcess> Components => _components;

    public IEnumerable<ComponentProcess> Servers => _components.Where(c => c.Args is ServerArgs);

    public ComponentProcess this[string name] => _components.Single(c => c.Name == name);

    public ComponentProcess Start(string name, ComponentArgs args)
    {
        var component = ComponentProcess.Start(name, args, output);
        _components.Add(component);
        return component;
    }

    /// <summary>Starts a stopped or killed component again with its arguments: the same port, and for a database the same data.</summary>
    public ComponentProcess Restart(string name)
    {
        var old = this[name];
        old.Dispose();
        var component = ComponentProcess.Start(name, old.Args, output);
        _components[_components.IndexOf(old)] = component;
        return component;
    }

    /// <summary>Asks each to stop as SIGTERM does (a paused one is resumed first), and kills what does not stop within <paramref name="grace"/>.</summary>
    public async Task StopAllAsync(TimeSpan grace)
    {
        foreach (var component in _components)
        {
            component.Pause(false);
        }

        await Task.WhenAll(Servers.Select(s => s.StopAsync(grace)));
        foreach (var component in _components.Where(c => c.Args is not ServerArgs).Reverse())
        {
            await component.StopAsync(grace);
        }

        foreach (var component in _components)
        {
            component.Dispose();
        }
    }
}

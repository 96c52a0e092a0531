namespace Roundabout.Cli.Launch;

/// <summary>A component of a local cluster did not start, or stopped: the message says which and why.</summary>
internal sealed class LaunchFailedException(string message) : Exception(message);

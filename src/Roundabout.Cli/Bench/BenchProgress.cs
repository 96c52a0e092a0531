namespace Roundabout.Cli.Bench;

/// <summary>A run so far, for the live progress line.</summary>
public sealed record BenchProgress(long Completed, long Errors, TimeSpan Elapsed)
{
    public double Rps => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;
}

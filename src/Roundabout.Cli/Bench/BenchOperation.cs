namespace Roundabout.Cli.Bench;

public enum BenchOperation
{
    Sum,
    Multiply,
}

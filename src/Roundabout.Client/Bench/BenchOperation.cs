namespace Roundabout.Client.Bench;

public enum BenchOperation
{
    Sum,
    Multiply,
}

using BenchmarkDotNet.Running;

namespace Roundabout.Bench.Micro;

public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

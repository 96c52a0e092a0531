using System.Diagnostics.Metrics;

namespace Roundabout.Server.Telemetry;

/// <summary>
/// The server's instruments (meter <c>Roundabout.Server</c>). Calls themselves are counted and
/// timed by ASP.NET Core's <c>http.server.request.duration</c>; this adds what only the server knows.
/// </summary>
internal sealed class ServerMetrics
{
    public const string MeterName = "Roundabout.Server";

    private readonly Histogram<long> _multiplyBatch;

    public ServerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _multiplyBatch = meter.CreateHistogram<long>("roundabout.server.multiply.batch_size", "{multiply}",
            "Multiplies of one accumulator combined into one store write (1 when combining is off or nothing else was waiting).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] });
    }

    public void MultiplyBatch(int size) => _multiplyBatch.Record(size);
}

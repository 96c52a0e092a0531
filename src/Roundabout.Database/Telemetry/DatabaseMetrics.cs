using System.Diagnostics.Metrics;

namespace Roundabout.Database.Telemetry;

/// <summary>
/// The database's instruments (meter <c>Roundabout.Database</c>): commits, and for the durable log
/// the latency of each write-and-fsync and how many commits shared it (group commit).
/// </summary>
internal sealed class DatabaseMetrics
{
    public const string MeterName = "Roundabout.Database";

    private readonly Counter<long> _commits;
    private readonly Histogram<double> _fsyncDuration;
    private readonly Histogram<long> _batchSize;

    public DatabaseMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _commits = meter.CreateCounter<long>("roundabout.database.commits", "{commit}",
            "Transactions that changed data (each one revision); replays and failed compares write nothing and are not counted.");
        _fsyncDuration = meter.CreateHistogram("roundabout.database.fsync.duration", "s",
            "Time to write one log frame and fdatasync it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
        _batchSize = meter.CreateHistogram<long>("roundabout.database.commit.batch_size", "{commit}",
            "Commits made durable by one fsync (group commit).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });
    }

    public void Committed() => _commits.Add(1);

    public void Synced(TimeSpan duration, long commits)
    {
        _fsyncDuration.Record(duration.TotalSeconds);
        _batchSize.Record(commits);
    }
}

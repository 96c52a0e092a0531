using System.Diagnostics.Metrics;
using Grpc.Core;

namespace Roundabout.Client.Telemetry;

/// <summary>
/// The client's instruments (meter <c>Roundabout.Client</c>): logical calls by method and final
/// status with their latency, failovers (attempts sent again after a failed one), retries of store
/// failures, and ejections.
/// With no listener attached each costs a field read.
/// </summary>
internal sealed class ClientMetrics : IDisposable
{
    private readonly Meter? _ownMeter;
    private readonly Histogram<double> _callDuration;
    private readonly Counter<long> _failovers;
    private readonly Counter<long> _ejections;
    private readonly Counter<long> _storeRetries;

    public ClientMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(ClientTelemetry.MeterName) ?? (_ownMeter = new Meter(ClientTelemetry.MeterName));
        _callDuration = meter.CreateHistogram("roundabout.client.call.duration", "s",
            "Logical calls, from the first attempt to the final answer (retries and failovers included), by method and final gRPC status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _failovers = meter.CreateCounter<long>("roundabout.client.failovers", "{attempt}",
            "Attempts sent again, to another server when there is one, after an attempt failed.");
        _ejections = meter.CreateCounter<long>("roundabout.client.ejections", "{ejection}",
            "Times a server was skipped for failing several calls in a row.");
        _storeRetries = meter.CreateCounter<long>("roundabout.client.store_retries", "{attempt}",
            "Attempts sent again after a server answered that its shared store failed (within the retry budget).");
    }

    /// <summary>True while a listener records call durations: only then does a call read the clock for them.</summary>
    public bool CallsObserved => _callDuration.Enabled;

    public void CallEnded(string method, StatusCode status, TimeSpan duration) =>
        _callDuration.Record(
            duration.TotalSeconds,
            new KeyValuePair<string, object?>("rpc.method", method),
            new KeyValuePair<string, object?>("rpc.grpc.status_code", (int)status));

    public void Failover(string method) => _failovers.Add(1, new KeyValuePair<string, object?>("rpc.method", method));

    public void StoreRetry(string method) => _storeRetries.Add(1, new KeyValuePair<string, object?>("rpc.method", method));

    public void Ejected(string address) => _ejections.Add(1, new KeyValuePair<string, object?>("server.address", address));

    public void Dispose() => _ownMeter?.Dispose();
}

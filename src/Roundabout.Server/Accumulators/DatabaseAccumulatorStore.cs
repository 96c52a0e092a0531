using System.Numerics;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using Roundabout.Contracts.Database.V1;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// Accumulators in Roundabout's own database. A Multiply reads the value and its version, then
/// writes the product and the request's dedupe record in one transaction that holds only if the
/// value's version is unchanged and no dedupe record exists; otherwise it backs off and tries again.
/// </summary>
internal sealed class DatabaseAccumulatorStore(
    Database.DatabaseClient database,
    ServerHostOptions options,
    TimeProvider timeProvider,
    ILogger<DatabaseAccumulatorStore> logger) : IAccumulatorStore
{
    private readonly KeyedGate _writers = new();

    public async Task<MultiplyOutcome> MultiplyAsync(string name, BigInteger factor, string? requestId, CancellationToken cancellationToken)
    {
        var valueKey = AccumulatorKeys.Value(name);
        var requestKey = string.IsNullOrEmpty(requestId) ? null : AccumulatorKeys.Request(name, requestId);
        using var writer = await _writers.EnterAsync(valueKey, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            if (requestKey is not null && await ReadAsync(requestKey, cancellationToken) is { } first)
            {
                return new MultiplyOutcome(AccumulatorKeys.Decode(first.Value.Span), Replayed: true);
            }

            var current = await ReadAsync(valueKey, cancellationToken);
            var value = current is null ? BigInteger.One : AccumulatorKeys.Decode(current.Value.Span);
            var product = value * factor;
            if (!ExactInteger.FitsCap(product))
            {
                throw new AccumulatorOverflowException(name);
            }

            var encoded = ByteString.CopyFrom(AccumulatorKeys.Encode(product));
            var txn = new TxnRequest
            {
                Compares = { new Compare { Key = valueKey, ExpectedVersion = current?.Version ?? 0 } },
                Ops = { new TxnOp { Put = new PutOp { Key = valueKey, Value = encoded } } },
            };
            if (requestKey is not null)
            {
                txn.Compares.Add(new Compare { Key = requestKey, ExpectedVersion = 0 });
                txn.Ops.Add(new TxnOp { Put = new PutOp { Key = requestKey, Value = encoded, TtlMs = (long)options.DedupeWindow.TotalMilliseconds } });
            }

            var reply = await database.TxnAsync(txn, deadline: Deadline(), cancellationToken: cancellationToken);
            if (reply.Succeeded)
            {
                return new MultiplyOutcome(product, Replayed: false);
            }

            if (attempt >= ContentionBackoff.MaxAttempts)
            {
                throw new AccumulatorContentionException(name, attempt);
            }

            Log.MultiplyConflict(logger, name, attempt);
            await Task.Delay(ContentionBackoff.Next(attempt), timeProvider, cancellationToken);
        }
    }

    public async Task<BigInteger> GetAsync(string name, CancellationToken cancellationToken) =>
        await ReadAsync(AccumulatorKeys.Value(name), cancellationToken) is { } item
            ? AccumulatorKeys.Decode(item.Value.Span)
            : BigInteger.One;

    public async Task ResetAsync(string name, CancellationToken cancellationToken) =>
        await database.PutAsync(
            new PutRequest { Key = AccumulatorKeys.Value(name), Value = ByteString.CopyFrom(AccumulatorKeys.Encode(BigInteger.One)) },
            deadline: Deadline(),
            cancellationToken: cancellationToken);

    private async Task<KeyValue?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var reply = await database.GetAsync(new GetRequest { Key = key }, deadline: Deadline(), cancellationToken: cancellationToken);
        return reply.Found ? reply.Item : null;
    }

    private DateTime Deadline() => timeProvider.GetUtcNow().UtcDateTime + options.CallDeadline;
}

/// <summary>Too many replicas raced for one accumulator; the multiply was not applied.</summary>
public sealed class AccumulatorContentionException(string name, int attempts)
    : Exception($"Accumulator '{name}' stayed contended for {attempts} attempts; the multiply was not applied. Try again.");

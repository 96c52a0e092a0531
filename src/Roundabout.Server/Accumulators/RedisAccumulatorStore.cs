using System.Globalization;
using System.Numerics;
using StackExchange.Redis;
using Roundabout.Contracts;
using Roundabout.Contracts.Sessions;
using Roundabout.Server.Telemetry;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// Accumulators in Redis. A batch of multiplies is one EVALSHA of <see cref="RedisMultiplyScript"/>,
/// which multiplies the exact value and writes every request's dedupe record and every session's
/// record with their expiries, in one atomic step inside Redis: replicas never conflict and no
/// value is read first. The value and its records carry the accumulator's hash tag, so on Redis
/// Cluster they live on one slot and the script stays atomic.
/// </summary>
internal sealed class RedisAccumulatorStore : IAccumulatorStore
{
    private readonly RedisConnection _connection;
    private readonly string _window;
    private readonly string _sessionTtl;
    private readonly MultiplyCombiner _combiner;

    public RedisAccumulatorStore(RedisConnection connection, ServerHostOptions options, ServerMetrics? metrics = null)
    {
        _connection = connection;
        _window = ((long)options.DedupeWindow.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        _sessionTtl = ((long)options.SessionTtl.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        _combiner = new MultiplyCombiner(WriteAsync, options.MultiplyBatch, metrics: metrics);
    }

    public Task<MultiplyOutcome> MultiplyAsync(string name, BigInteger factor, Dedupe dedupe, CancellationToken cancellationToken) =>
        _combiner.MultiplyAsync(name, factor, dedupe, cancellationToken);

    public async Task<BigInteger> GetAsync(string name, CancellationToken cancellationToken)
    {
        var database = await _connection.GetDatabaseAsync(cancellationToken);
        var value = await CallAsync(database.StringGetAsync(AccumulatorKeys.Value(name)), cancellationToken);
        return value.HasValue ? Decode(name, value) : BigInteger.One;
    }

    public async Task ResetAsync(string name, CancellationToken cancellationToken)
    {
        var database = await _connection.GetDatabaseAsync(cancellationToken);
        await CallAsync(database.StringSetAsync(AccumulatorKeys.Value(name), AccumulatorKeys.Encode(BigInteger.One)), cancellationToken);
    }

    private async Task<MultiplyOutcome[]> WriteAsync(string name, IReadOnlyList<PendingMultiply> batch, CancellationToken cancellationToken)
    {
        var keys = new List<RedisKey>(batch.Count + 1) { AccumulatorKeys.Value(name) };
        var records = new Dictionary<string, int>(StringComparer.Ordinal);
        var args = new RedisValue[RedisMultiplyScript.HeaderArgs + RedisMultiplyScript.ArgsPerOp * batch.Count];
        args[0] = _window;
        args[1] = RedisMultiplyScript.Cap;
        args[2] = _sessionTtl;
        args[3] = SessionRecord.MaxAnswers;
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            var key = pending.RequestId is { } id ? AccumulatorKeys.Request(name, id)
                : pending.Session is { } session ? AccumulatorKeys.Session(name, session.SessionId)
                : null;
            var record = 0;
            if (key is not null && !records.TryGetValue(key, out record))
            {
                keys.Add(key);
                record = records[key] = keys.Count;
            }

            var at = RedisMultiplyScript.HeaderArgs + RedisMultiplyScript.ArgsPerOp * i;
            args[at] = AccumulatorKeys.Encode(pending.Factor);
            args[at + 1] = record;
            args[at + 2] = pending.Session?.Sequence ?? 0;
            args[at + 3] = pending.Session?.ConfirmedBelow ?? 0;
        }

        var database = await _connection.GetDatabaseAsync(cancellationToken);
        var reply = (RedisResult[])(await EvaluateAsync(database, [.. keys], args, cancellationToken))!;
        switch ((long)reply[0])
        {
            case RedisMultiplyScript.Overflow:
                throw new AccumulatorOverflowException(name);
            case RedisMultiplyScript.NotAnInteger:
                throw StoreFailures.NotANumber(_connection.Store, name);
            case RedisMultiplyScript.NotASessionRecord:
                throw StoreFailures.NotASessionRecord(_connection.Store, keys[(int)reply[1] - 1].ToString());
        }

        var outcomes = new MultiplyOutcome[batch.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var value = (RedisValue)reply[1 + 2 * i];
            outcomes[i] = (long)reply[2 + 2 * i] switch
            {
                RedisMultiplyScript.OpApplied => new MultiplyOutcome(Decode(name, value), Replayed: false),
                RedisMultiplyScript.OpReplayed => new MultiplyOutcome(Decode(name, value), Replayed: true),
                RedisMultiplyScript.OpAlreadyConfirmed => MultiplyOutcome.Refused(SessionDecision.AlreadyConfirmed),
                RedisMultiplyScript.OpUnknownSession => MultiplyOutcome.Refused(SessionDecision.UnknownSession),
                RedisMultiplyScript.OpTooManyInFlight => MultiplyOutcome.Refused(SessionDecision.TooManyInFlight),
                var status => throw new StoreFailureException(_connection.Store, StoreFailureKind.CorruptValue, $"answered the multiply script with an unknown status {status}", "check that it runs the script this server sent"),
            };
        }

        return outcomes;
    }

    /// <summary>EVALSHA; a Redis that does not hold the script yet (new, or restarted) gets it once by EVAL, which caches it.</summary>
    private async Task<RedisResult> EvaluateAsync(IDatabase database, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        try
        {
            return await CallAsync(database.ScriptEvaluateAsync(RedisMultiplyScript.Hash, keys, args), cancellationToken);
        }
        catch (StoreFailureException ex) when (ex.InnerException is RedisServerException noScript && noScript.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await CallAsync(database.ScriptEvaluateAsync(RedisMultiplyScript.Source, keys, args), cancellationToken);
        }
    }

    private BigInteger Decode(string name, RedisValue value) => StoreFailures.Decode(_connection.Store, name, (byte[])value!);

    private async Task<T> CallAsync<T>(Task<T> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw _connection.Unavailable(ex);
        }
    }
}

using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using StackExchange.Redis;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// Accumulators in Redis. Lua has no big integers, so the product is computed here and written by
/// a compare-and-set script: it sets the value, and the request's dedupe record with its expiry,
/// only if the value still holds what this server read and the request id is unseen. Both keys
/// carry the accumulator's hash tag, so on Redis Cluster they live on one slot and the script stays
/// atomic. Comparing content rather than a version is safe because the new value depends only on
/// the old one: a value that went away and came back (a reset) still yields the right product.
/// </summary>
internal sealed class RedisAccumulatorStore(
    RedisConnection connection,
    ServerHostOptions options,
    TimeProvider timeProvider,
    ILogger<RedisAccumulatorStore> logger) : IAccumulatorStore
{
    // Status codes the script answers with, first element of its reply.
    private const long Conflict = 0;
    private const long Applied = 1;
    private const long AlreadyApplied = 2;

    // KEYS[1] value, KEYS[2] dedupe record (optional). ARGV[1] the value read ('' when absent),
    // ARGV[2] the product, ARGV[3] the dedupe window in milliseconds.
    private const string CompareAndSetScript = """
        if KEYS[2] then
          local first = redis.call('GET', KEYS[2])
          if first then return {2, first} end
        end
        local current = redis.call('GET', KEYS[1])
        if not current then current = '' end
        if current ~= ARGV[1] then return {0, current} end
        redis.call('SET', KEYS[1], ARGV[2])
        if KEYS[2] then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
        return {1, ARGV[2]}
        """;

    private readonly KeyedGate _writers = new();

    public async Task<MultiplyOutcome> MultiplyAsync(string name, BigInteger factor, string? requestId, CancellationToken cancellationToken)
    {
        var valueKey = AccumulatorKeys.Value(name);
        RedisKey[] keys = string.IsNullOrEmpty(requestId) ? [valueKey] : [valueKey, AccumulatorKeys.Request(name, requestId)];
        var window = ((long)options.DedupeWindow.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        using var writer = await _writers.EnterAsync(valueKey, cancellationToken);
        var database = await connection.GetDatabaseAsync(cancellationToken);
        var read = await CallAsync(database.StringGetAsync(keys), cancellationToken);
        if (read.Length > 1 && read[1].HasValue)
        {
            return new MultiplyOutcome(Decode(read[1]), Replayed: true);
        }

        var current = read[0];
        for (var attempt = 1; ; attempt++)
        {
            var product = (current.HasValue ? Decode(current) : BigInteger.One) * factor;
            if (!ExactInteger.FitsCap(product))
            {
                throw new AccumulatorOverflowException(name);
            }

            var encoded = AccumulatorKeys.Encode(product);
            RedisValue[] args = [current.HasValue ? current : RedisValue.EmptyString, encoded, window];
            var reply = (RedisResult[])(await CallAsync(database.ScriptEvaluateAsync(CompareAndSetScript, keys, args), cancellationToken))!;
            switch ((long)reply[0])
            {
                case Applied:
                    return new MultiplyOutcome(product, Replayed: false);
                case AlreadyApplied:
                    return new MultiplyOutcome(Decode((RedisValue)reply[1]), Replayed: true);
            }

            // Another replica wrote first; the script handed back what it wrote.
            var seen = (RedisValue)reply[1];
            current = seen.IsNullOrEmpty ? RedisValue.Null : seen;
            if (attempt >= ContentionBackoff.MaxAttempts)
            {
                throw new AccumulatorContentionException(name, attempt);
            }

            Log.MultiplyConflict(logger, name, attempt);
            await Task.Delay(ContentionBackoff.Next(attempt), timeProvider, cancellationToken);
        }
    }

    public async Task<BigInteger> GetAsync(string name, CancellationToken cancellationToken)
    {
        var database = await connection.GetDatabaseAsync(cancellationToken);
        var value = await CallAsync(database.StringGetAsync(AccumulatorKeys.Value(name)), cancellationToken);
        return value.HasValue ? Decode(value) : BigInteger.One;
    }

    public async Task ResetAsync(string name, CancellationToken cancellationToken)
    {
        var database = await connection.GetDatabaseAsync(cancellationToken);
        await CallAsync(database.StringSetAsync(AccumulatorKeys.Value(name), AccumulatorKeys.Encode(BigInteger.One)), cancellationToken);
    }

    private static BigInteger Decode(RedisValue value) => AccumulatorKeys.Decode((byte[])value!);

    private async Task<T> CallAsync<T>(Task<T> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new RedisStoreUnavailableException(connection.Description, ex);
        }
    }
}

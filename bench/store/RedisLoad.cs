using StackExchange.Redis;

namespace Roundabout.Bench.Store;

/// <summary>The same operations against Redis.</summary>
internal sealed class RedisLoad(IDatabase redis)
{
    // GET, multiply, SET atomically inside Redis: its best read-modify-write, with no retries.
    private const string MultiplyScript = """
        local v = tonumber(redis.call('GET', KEYS[1]) or '1')
        v = (v * tonumber(ARGV[1])) % tonumber(ARGV[2])
        redis.call('SET', KEYS[1], string.format('%d', v))
        return v
        """;

    private static readonly byte[] _value = new byte[16];

    public Task IncrAsync(int client, long i) => redis.StringIncrementAsync("bench/acc/incr");

    public Task SetAsync(int client, long i) => redis.StringSetAsync($"bench/put/{client}/{i % 100}", _value);

    public Task MultiplyWithScriptAsync(int client, long i) =>
        redis.ScriptEvaluateAsync(MultiplyScript, [(RedisKey)"bench/acc/lua"], [Multiplication.Factor(i), Multiplication.Modulus]);

    /// <summary>WATCH/MULTI/EXEC, as StackExchange.Redis expresses it: a transaction with a condition on the old value.</summary>
    public async Task MultiplyWithWatchAsync(int client, long i)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await redis.StringGetAsync("bench/acc/watch");
            var value = current.IsNull ? 1 : (long)current;
            var transaction = redis.CreateTransaction();
            transaction.AddCondition(current.IsNull ? Condition.KeyNotExists("bench/acc/watch") : Condition.StringEqual("bench/acc/watch", current));
            _ = transaction.StringSetAsync("bench/acc/watch", Multiplication.Apply(value, Multiplication.Factor(i)));
            if (await transaction.ExecuteAsync())
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMicroseconds(Random.Shared.Next(100, 200 * Math.Min(attempt, 20))));
        }
    }
}

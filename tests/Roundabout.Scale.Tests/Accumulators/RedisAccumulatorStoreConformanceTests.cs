using Roundabout.Server.Accumulators;

namespace Roundabout.Scale.Tests.Accumulators;

/// <summary>The store contract on a real redis-server.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class RedisAccumulatorStoreConformanceTests(RedisFixture redis) : AccumulatorStoreConformance, IClassFixture<RedisFixture>
{
    protected override Task<IAccumulatorStore> CreateStoreAsync(int multiplyBatch, TimeSpan? sessionTtl) =>
        Task.FromResult<IAccumulatorStore>(redis.CreateStore(multiplyBatch: multiplyBatch, sessionTtl: sessionTtl));

    protected override Task<byte[]?> ReadRawAsync(string key) => redis.ReadAsync(key);

    protected override Task WriteRawAsync(string key, string value) => redis.WriteAsync(key, value);

    protected override IAccumulatorStore CreateUnreachableStore() => redis.CreateUnreachableStore();
}

using Roundabout.Server.Accumulators;

namespace Roundabout.Scale.Tests.Accumulators;

/// <summary>The store contract on Roundabout's own durable database: the embedded default.</summary>
[Trait(Tier.Name, Tier.Host)]
public sealed class DatabaseAccumulatorStoreConformanceTests(DatabaseFixture database) : AccumulatorStoreConformance, IClassFixture<DatabaseFixture>
{
    protected override Task<IAccumulatorStore> CreateStoreAsync(int multiplyBatch, TimeSpan? sessionTtl) =>
        Task.FromResult<IAccumulatorStore>(database.CreateStore(multiplyBatch: multiplyBatch, sessionTtl: sessionTtl));

    protected override Task<byte[]?> ReadRawAsync(string key) => database.ReadAsync(key);

    protected override Task WriteRawAsync(string key, string value) => database.WriteAsync(key, value);

    protected override IAccumulatorStore CreateUnreachableStore() => database.CreateUnreachableStore();
}

using Roundabout.Server.Accumulators;

namespace Roundabout.Scale.Tests.Accumulators;

/// <summary>The store contract on a real etcd.</summary>
[Trait(Tier.Name, Tier.Process)]
public sealed class EtcdAccumulatorStoreConformanceTests(EtcdAccumulatorFixture etcd) : AccumulatorStoreConformance, IClassFixture<EtcdAccumulatorFixture>
{
    protected override Task<IAccumulatorStore> CreateStoreAsync(int multiplyBatch, TimeSpan? sessionTtl) =>
        Task.FromResult<IAccumulatorStore>(etcd.CreateStore(multiplyBatch, sessionTtl));

    protected override Task<byte[]?> ReadRawAsync(string key) => etcd.ReadAsync(key);

    protected override Task WriteRawAsync(string key, string value) => etcd.WriteAsync(key, value);

    protected override IAccumulatorStore CreateUnreachableStore() => etcd.CreateUnreachableStore();
}

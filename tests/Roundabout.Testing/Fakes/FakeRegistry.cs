using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Roundabout.Contracts.Registry.V1;

namespace Roundabout.Testing.Fakes;

/// <summary>A small in-test registry: a list of addresses, ListInstances counted, Watch with revisions.</summary>
public sealed class FakeRegistry : Contracts.Registry.V1.Registry.RegistryBase
{
    private readonly Lock _gate = new();
    private readonly List<Instance> _instances = [];
    private readonly List<Channel<WatchEvent>> _watchers = [];
    private long _revision;
    private int _listCalls;

    public int ListCalls => Volatile.Read(ref _listCalls);

    public int Watchers
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    public void Add(string address)
    {
        lock (_gate)
        {
            var instance = new Instance
            {
                Service = "calculator",
                Address = address,
                RegisteredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                LastRenewedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            };
            _instances.Add(instance);
            Broadcast(new WatchEvent { Revision = ++_revision, Change = new InstanceChange { Kind = ChangeKind.Joined, Instance = instance } });
        }
    }

    public void Remove(string address)
    {
        lock (_gate)
        {
            var instance = _instances.Find(i => i.Address == address);
            if (instance is null)
            {
                return;
            }

            _instances.Remove(instance);
            Broadcast(new WatchEvent { Revision = ++_revision, Change = new InstanceChange { Kind = ChangeKind.Left, Instance = instance } });
        }
    }

    public override Task<ListInstancesResponse> ListInstances(ListInstancesRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref _listCalls);
        lock (_gate)
        {
            var response = new ListInstancesResponse { Revision = _revision };
            response.Instances.AddRange(_instances.Select(i => i.Clone()));
            return Task.FromResult(response);
        }
    }

    public override async Task Watch(WatchRequest request, IServerStreamWriter<WatchEvent> responseStream, ServerCallContext context)
    {
        var channel = Channel.CreateUnbounded<WatchEvent>();
        lock (_gate)
        {
            var snapshot = new Snapshot();
            snapshot.Instances.AddRange(_instances.Select(i => i.Clone()));
            channel.Writer.TryWrite(new WatchEvent { Revision = _revision, Snapshot = snapshot });
            _watchers.Add(channel);
        }

        try
        {
            await foreach (var update in channel.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(update, context.CancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }
        }
    }

    public override Task<RegisterResponse> Register(RegisterRequest request, ServerCallContext context)
    {
        Add(request.Address);
        return Task.FromResult(new RegisterResponse { LeaseId = request.Address });
    }

    private void Broadcast(WatchEvent update)
    {
        foreach (var watcher in _watchers)
        {
            watcher.Writer.TryWrite(update);
        }
    }
}

using System.Globalization;
using dotnet_etcd;
using Etcdserverpb;
using Roundabout.Contracts;

namespace Roundabout.Testing.Engines;

/// <summary>
/// A real three-member etcd cluster on 127.0.0.1, each member with its own free ports and data
/// directory, so that a test can kill the leader, a follower or the quorum with SIGKILL and start
/// members again on the same ports and data.
/// </summary>
public sealed class EtcdCluster : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Member[] _members;
    private readonly string _initialCluster;

    private EtcdCluster(string directory, Member[] members)
    {
        _directory = directory;
        _members = members;
        _initialCluster = string.Join(',', members.Select(m => $"{m.Name}={m.PeerUrl}"));
    }

    public IReadOnlyList<EndpointAddress> Endpoints => _members.Select(m => new EndpointAddress("127.0.0.1", m.ClientPort)).ToArray();

    public static async Task<EtcdCluster> StartAsync(int size = 3)
    {
        var directory = Directory.CreateTempSubdirectory("roundabout-etcd-cluster-").FullName;
        var members = Enumerable.Range(0, size).Select(i => new Member($"m{i}", FreePorts.Next(), FreePorts.Next(), Path.Combine(directory, $"m{i}"))).ToArray();
        var cluster = new EtcdCluster(directory, members);
        try
        {
            for (var i = 0; i < size; i++)
            {
                cluster.Start(i);
            }

            for (var i = 0; i < size; i++)
            {
                await cluster.WaitHealthyAsync(i);
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>The index of the member that leads now, asked of the members that answer.</summary>
    public async Task<int> LeaderAsync()
    {
        var leader = -1;
        await Eventually.UntilAsync(
            async () =>
            {
                for (var i = 0; i < _members.Length; i++)
                {
                    if (_members[i].Process is not { HasExited: false })
                    {
                        continue;
                    }

                    try
                    {
                        using var client = new EtcdClient(_members[i].ClientUrl);
                        var status = await client.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                        if (status.Leader != 0 && status.Leader == status.Header.MemberId)
                        {
                            leader = i;
                            return true;
                        }
                    }
                    catch (Grpc.Core.RpcException)
                    {
                    }
                }

                return false;
            },
            "an etcd member leads",
            TimeSpan.FromSeconds(30));
        return leader;
    }

    /// <summary>As <c>kill -9</c>.</summary>
    public async Task KillAsync(int member)
    {
        if (_members[member].Process is { } process)
        {
            await process.KillAsync();
        }
    }

    /// <summary>Starts a killed member again on its ports and data directory, and waits until it is healthy.</summary>
    public async Task RestartAsync(int member)
    {
        if (_members[member].Process is { } old)
        {
            await old.DisposeAsync();
        }

        Start(member);
        await WaitHealthyAsync(member);
    }

    private void Start(int index)
    {
        var m = _members[index];
        m.Process = EngineProcess.Start("etcd",
        [
            "--name", m.Name,
            "--data-dir", m.DataDirectory,
            "--listen-client-urls", m.ClientUrl,
            "--advertise-client-urls", m.ClientUrl,
            "--listen-peer-urls", m.PeerUrl,
            "--initial-advertise-peer-urls", m.PeerUrl,
            "--initial-cluster", _initialCluster,
            "--initial-cluster-token", "roundabout-test",
            "--initial-cluster-state", "new",
            "--heartbeat-interval", "100",
            "--election-timeout", "1000",
            "--log-level", "warn",
        ]);
    }

    private async Task WaitHealthyAsync(int index)
    {
        var m = _members[index];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.UntilAsync(
            async () => m.Process!.HasExited
                ? throw new InvalidOperationException($"etcd member {m.Name} exited:\n{m.Process.Output}")
                : (await http.GetStringAsync(new Uri($"{m.ClientUrl}/health"))).Contains("\"health\":\"true\"", StringComparison.Ordinal),
            $"etcd member {m.Name} reports healthy on {m.ClientUrl}",
            TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members)
        {
            if (member.Process is { } process)
            {
                await process.DisposeAsync();
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class Member(string name, int clientPort, int peerPort, string dataDirectory)
    {
        public string Name { get; } = name;

        public int ClientPort { get; } = clientPort;

        public string ClientUrl { get; } = $"http://127.0.0.1:{clientPort.ToString(CultureInfo.InvariantCulture)}";

        public string PeerUrl { get; } = $"http://127.0.0.1:{peerPort.ToString(CultureInfo.InvariantCulture)}";

        public string DataDirectory { get; } = dataDirectory;

        public EngineProcess? Process { get; set; }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Roundabout.Client.Network;

/// <summary>
/// Looks a host name up and blocks its thread until the answer: <see cref="Dns.GetHostAddresses(string)"/>
/// unless a test gives another.
/// </summary>
internal delegate IPAddress[] HostLookup(string host);

/// <summary>What is known of a host name: it resolves, it does not, or its first lookup has not ended.</summary>
internal enum NameState
{
    Resolves,
    DoesNotResolve,
    LookingUp,
}

/// <summary>
/// Resolves the host names of addresses that came from the registry, where anyone may have written
/// them. The system's lookup holds its thread until the resolver answers (five seconds for each
/// query a busy DNS server drops), and cannot be cancelled.
/// <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> is no way out on Linux: it
/// runs that same blocking lookup on a thread-pool thread, and a few of them held for seconds stall
/// every call of the process until the pool adds threads (one each half second). So each lookup
/// runs on a thread of its own, outside the pool; at most <c>maxLookups</c> run at once, a slot is
/// given back only when its lookup has really ended, a caller waits at most <c>deadline</c>, and
/// answers (failures too) are kept for a while: a thousand names that never resolve cost a few
/// threads and never the pool's. Addresses written as IP addresses are never looked up, nor is
/// <c>localhost</c>, which is the loopback addresses by definition (RFC 6761).
/// This is written here because neither the runtime nor grpc-dotnet offers a lookup that leaves
/// the thread pool alone.
/// </summary>
internal sealed class NameResolver(int maxLookups, TimeSpan deadline, TimeProvider time, HostLookup lookup) : IDisposable
{
    /// <summary>
    /// The most lookups a client runs at once: enough that the names of real servers are not
    /// queued behind those a flood of fake instances holds for seconds each.
    /// </summary>
    public const int ClientLookups = 32;

    private static readonly IPAddress[] _loopback = [IPAddress.Loopback, IPAddress.IPv6Loopback];
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private static readonly TimeSpan _unusedFor = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _slots = new(maxLookups, maxLookups);
    private long _lastPrune = time.GetTimestamp();

    /// <summary>A resolver on the system's lookup.</summary>
    public NameResolver(int maxLookups, TimeSpan deadline, TimeProvider time)
        : this(maxLookups, deadline, time, Dns.GetHostAddresses)
    {
    }

    /// <summary>The addresses of <paramref name="host"/>; a <see cref="SocketException"/> when it does not resolve, or not in time.</summary>
    public async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (Literal(host) is { } literal)
        {
            return literal;
        }

        var entry = Current(host);
        try
        {
            return await entry.Addresses.WaitAsync(deadline, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new SocketException((int)SocketError.TimedOut, $"the name {host} was not resolved within {deadline.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Raised after any lookup has ended, on a thread-pool thread.</summary>
    public event Action? LookupEnded;

    /// <summary>
    /// What is known of <paramref name="host"/> now, starting a lookup when the last answer is old
    /// or there is none; while a name is looked up again, its last answer still counts.
    /// </summary>
    public NameState Check(string host) => Literal(host) is not null ? NameState.Resolves : Current(host).State;

    /// <summary>What is known of <paramref name="host"/> now, without starting a lookup (<see cref="NameState.LookingUp"/> when nothing is).</summary>
    public NameState Peek(string host) =>
        Literal(host) is not null ? NameState.Resolves
        : _entries.TryGetValue(host, out var entry) ? entry.State
        : NameState.LookingUp;

    /// <summary>Forgets at once the names of hosts no longer dialled (names unused for a minute are forgotten anyway).</summary>
    public void Retain(IEnumerable<string> hosts)
    {
        var keep = new HashSet<string>(hosts, StringComparer.OrdinalIgnoreCase);
        foreach (var host in _entries.Keys)
        {
            if (!keep.Contains(host))
            {
                _entries.TryRemove(host, out _);
            }
        }
    }

    public void Dispose() => _slots.Dispose();

    private Entry Current(string host)
    {
        var now = time.GetTimestamp();
        PruneIfDue(now);
        var entry = _entries.AddOrUpdate(
            host,
            _ => Start(host, now, NameState.LookingUp),
            (_, old) => old.IsFresh(now, time) ? old : Start(host, now, old.State));
        Volatile.Write(ref entry.LastUsed, now);
        return entry;
    }

    /// <summary>Once a minute, forgets the names nobody asked for in the last minute, so that names that come and go cost no memory for long.</summary>
    private void PruneIfDue(long now)
    {
        var last = Volatile.Read(ref _lastPrune);
        if (time.GetElapsedTime(last, now) < _unusedFor || Interlocked.CompareExchange(ref _lastPrune, now, last) != last)
        {
            return;
        }

        foreach (var (host, entry) in _entries)
        {
            if (entry.Addresses.IsCompleted && time.GetElapsedTime(Volatile.Read(ref entry.LastUsed), now) >= _unusedFor)
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(host, entry));
            }
        }
    }

    private Entry Start(string host, long now, NameState last)
    {
        // Started from the pool, so that asking for many names at once (a list of thousands) only queues their lookups.
        var entry = new Entry(Task.Run(() => LookupAsync(host)), now, last);
        entry.Addresses.ContinueWith(static (task, state) => { _ = task.Exception; ((NameResolver)state!).LookupEnded?.Invoke(); }, this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        return entry;
    }

    private static IPAddress[]? Literal(string host)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return [address];
        }

        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            ? _loopback
            : null;
    }

    private async Task<IPAddress[]> LookupAsync(string host)
    {
        if (!await _slots.WaitAsync(deadline).ConfigureAwait(false))
        {
            throw new SocketException((int)SocketError.TryAgain, $"the name {host} waits behind {maxLookups} name lookups that have not ended");
        }

        try
        {
            // A thread of its own (LongRunning), never a pool thread: the lookup blocks it for as long as the resolver takes.
            var addresses = await Task.Factory.StartNew(
                () => lookup(host), CancellationToken.None, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default).ConfigureAwait(false);
            return addresses.Length > 0 ? addresses : throw new SocketException((int)SocketError.HostNotFound, $"the name {host} has no addresses");
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>One name's lookup: an answer is kept 30 s, a failure 5 s, one still running until it ends; <paramref name="Last"/> is the answer before it.</summary>
    private sealed record Entry(Task<IPAddress[]> Addresses, long StartedAt, NameState Last)
    {
        public NameState State =>
            !Addresses.IsCompleted ? Last
            : Addresses.IsCompletedSuccessfully ? NameState.Resolves
            : NameState.DoesNotResolve;

        /// <summary>When the name was last asked for (a timestamp of the resolver's clock).</summary>
        public long LastUsed = StartedAt;

        public bool IsFresh(long now, TimeProvider time)
        {
            if (!Addresses.IsCompleted)
            {
                return true;
            }

            var age = time.GetElapsedTime(StartedAt, now);
            return Addresses.IsCompletedSuccessfully ? age < TimeSpan.FromSeconds(30) : age < TimeSpan.FromSeconds(5);
        }
    }
}

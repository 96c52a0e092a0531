using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Roundabout.Dashboard.Network;

/// <summary>
/// Looks a host name up and blocks its thread until the answer: <see cref="Dns.GetHostAddresses(string)"/>
/// unless a test gives another.
/// </summary>
internal delegate IPAddress[] HostLookup(string host);

/// <summary>
/// Every host name the dashboard dials goes through here. The system's lookup holds its thread
/// until the resolver answers (five seconds for each query a busy DNS server drops), and cannot be
/// cancelled. <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> is no way out on
/// Linux: it runs that same blocking lookup on a thread-pool thread, and a few of them held for
/// seconds stall every request of the process until the pool adds threads (one each half second).
/// So each lookup runs on a thread of its own, outside the pool; at most
/// <see cref="DashboardOptions.MaxNameLookups"/> run at once, a slot is given back only when its
/// lookup has really ended, a caller waits at most the call deadline, and answers (failures too)
/// are kept for a while: a thousand names that never resolve cost a few threads and never the
/// pool's. Addresses written as IP addresses are never looked up.
/// </summary>
internal sealed class NameResolver(DashboardOptions options, TimeProvider time, HostLookup lookup) : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _slots = new(options.MaxNameLookups, options.MaxNameLookups);

    /// <summary>The addresses of <paramref name="host"/>; a <see cref="SocketException"/> when it does not resolve, or not in time.</summary>
    public async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return [literal];
        }

        var now = time.GetTimestamp();
        var entry = _entries.AddOrUpdate(
            host,
            _ => new Entry(LookupAsync(host), now),
            (_, old) => old.IsFresh(now, time) ? old : new Entry(LookupAsync(host), now));
        try
        {
            return await entry.Addresses.WaitAsync(options.CallDeadline, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new SocketException((int)SocketError.TimedOut, $"the name {host} was not resolved within {options.CallDeadline.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Forgets the names of hosts no longer dialled.</summary>
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

    private async Task<IPAddress[]> LookupAsync(string host)
    {
        if (!await _slots.WaitAsync(options.CallDeadline).ConfigureAwait(false))
        {
            throw new SocketException((int)SocketError.TryAgain, $"the name {host} waits behind {options.MaxNameLookups} name lookups that have not ended");
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

    /// <summary>One name's lookup: an answer is kept 30 s, a failure 5 s, one still running until it ends.</summary>
    private sealed record Entry(Task<IPAddress[]> Addresses, long StartedAt)
    {
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

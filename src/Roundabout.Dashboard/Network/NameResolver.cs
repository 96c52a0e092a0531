using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Roundabout.Dashboard.Network;

/// <summary>Looks a host name up; <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> unless a test gives another.</summary>
internal delegate Task<IPAddress[]> HostLookup(string host, CancellationToken cancellationToken);

/// <summary>
/// Every host name the dashboard dials goes through here. The system's lookup may hold a thread
/// until its resolver answers (seconds when the resolver is silent), and cancelling does not free
/// it; so at most <see cref="DashboardOptions.MaxNameLookups"/> lookups run at once, a slot is
/// given back only when its lookup has really ended, a caller waits at most the call deadline,
/// and answers (failures too) are kept for a while, so a thousand names that never resolve cost a
/// few threads, not the thread pool. Addresses written as IP addresses are never looked up.
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
            // Off the caller's thread: the lookup may block the thread it runs on.
            var addresses = await Task.Run(() => lookup(host, CancellationToken.None)).ConfigureAwait(false);
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

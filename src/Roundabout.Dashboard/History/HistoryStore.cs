using System.Globalization;
using Roundabout.Dashboard.State;

namespace Roundabout.Dashboard.History;

/// <summary>
/// The last <see cref="DashboardOptions.HistoryWindow"/> of samples, in rings of a fixed size (the
/// window over the sample interval): one per server, at most <see cref="DashboardOptions.MaxHistoryServers"/>
/// servers (a server past that is charted from when a slot frees), and one for the registry, the
/// database and the accumulators. A server that leaves the list loses its ring, so memory is bounded
/// whatever registers. Points are stamped with <see cref="TimeProvider"/> time.
/// </summary>
internal sealed class HistoryStore(DashboardOptions options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Ring<ServerPoint>> _servers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Ring<SystemPoint> _system = new(Capacity(options));
    private (long Commits, long Timestamp)? _lastCommits;

    /// <summary>Points each ring holds: the window over the sample interval.</summary>
    public static int Capacity(DashboardOptions options) =>
        (int)Math.Max(1, Math.Ceiling(options.HistoryWindow / options.SampleInterval));

    /// <summary>Adds one point per listed server and one for the system, from what the state shows now.</summary>
    public HistorySample Record(DashboardSnapshot snapshot)
    {
        var at = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var gone in _servers.Keys.Where(a => !snapshot.Members.Any(m => Same(m.Address, a))).ToArray())
            {
                _servers.Remove(gone);
            }

            var points = new Dictionary<string, ServerPoint>(StringComparer.OrdinalIgnoreCase);
            foreach (var member in snapshot.Members)
            {
                if (!_servers.TryGetValue(member.Address, out var ring))
                {
                    if (_servers.Count >= options.MaxHistoryServers)
                    {
                        continue;
                    }

                    ring = new Ring<ServerPoint>(Capacity(options));
                    _servers[member.Address] = ring;
                }

                var traffic = member.Traffic;
                var point = new ServerPoint(at, traffic.RequestsPerSecond, traffic.P50Ms, traffic.P99Ms, traffic.ErrorRate, member.Health.RoundTripMs);
                ring.Add(point);
                points[member.Address] = point;
            }

            var system = SystemPointLocked(at, snapshot);
            _system.Add(system);
            return new HistorySample(at, points, system);
        }
    }

    public HistoryView View()
    {
        lock (_gate)
        {
            return new HistoryView(
                options.HistoryWindow.TotalSeconds,
                options.SampleInterval.TotalSeconds,
                _servers.ToDictionary(s => s.Key, s => (IReadOnlyList<ServerPoint>)s.Value.ToArray(), StringComparer.OrdinalIgnoreCase),
                _system.ToArray());
        }
    }

    private SystemPoint SystemPointLocked(DateTimeOffset at, DashboardSnapshot snapshot)
    {
        var accumulators = snapshot.Accumulators;
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        long commits = 0;
        foreach (var item in accumulators.Items.Take(options.MaxAccumulators))
        {
            // Exact values are decimal text of any length; the chart needs only their size.
            if (double.TryParse(item.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            {
                values[item.Name] = value;
            }

            commits += item.Version ?? 0;
        }

        double? rate = null;
        var now = time.GetTimestamp();
        if (accumulators.Reachable && accumulators.Items.Any(i => i.Version is not null))
        {
            if (_lastCommits is { } last && commits >= last.Commits && time.GetElapsedTime(last.Timestamp, now).TotalSeconds is > 0 and var seconds)
            {
                rate = (commits - last.Commits) / seconds;
            }

            _lastCommits = (commits, now);
        }
        else
        {
            _lastCommits = null;
        }

        return new SystemPoint(at, snapshot.Registry.Reachable, snapshot.Registry.RoundTripMs, accumulators.Reachable, accumulators.RoundTripMs, rate, values);
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

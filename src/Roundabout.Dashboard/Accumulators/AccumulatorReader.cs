using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Roundabout.Contracts.Database.V1;
using Roundabout.Dashboard.State;
using DatabaseApi = Roundabout.Contracts.Database.V1.Database;

namespace Roundabout.Dashboard.Accumulators;

/// <summary>
/// Once per sample interval, finds the accumulators in the database (one List of key names under
/// <c>acc/</c>) and reads each value (one Get each), the named ones always. A List returns at
/// most 1000 keys and the dedupe records share the prefix, so under heavy traffic some names may
/// not be found; the page says so, and --accumulator names one to show anyway.
/// </summary>
internal sealed class AccumulatorReader(DashboardOptions options, DashboardState state, GrpcChannels channels, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SampleInterval, time);
        try
        {
            do
            {
                try
                {
                    var (items, truncated) = await ReadAsync(stoppingToken);
                    state.SetAccumulators(items, truncated);
                }
                catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
                {
                    state.AccumulatorsUnreachable(Membership.MembershipMonitor.Describe(ex));
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task<(IReadOnlyList<AccumulatorView> Items, bool Truncated)> ReadAsync(CancellationToken cancellationToken)
    {
        var database = new DatabaseApi.DatabaseClient(channels.For(options.Database));
        var listed = await database.ListAsync(new ListRequest { Prefix = AccumulatorKeyNames.Prefix }, deadline: Deadline(), cancellationToken: cancellationToken);
        var found = listed.Items.Select(i => AccumulatorKeyNames.NameOf(i.Key)).OfType<string>().Order(StringComparer.Ordinal);
        var all = options.Accumulators.Concat(found).Distinct(StringComparer.Ordinal).ToArray();
        var names = all.Take(options.MaxAccumulators).ToArray();

        var items = await Task.WhenAll(names.Select(async name =>
        {
            var reply = await database.GetAsync(new GetRequest { Key = AccumulatorKeyNames.ValueKey(name) }, deadline: Deadline(), cancellationToken: cancellationToken);
            return reply.Found
                ? new AccumulatorView(name, Encoding.ASCII.GetString(reply.Item.Value.Span), reply.Item.Version, true)
                : new AccumulatorView(name, "1", 0, false);
        }));
        return (items, listed.Truncated || all.Length > names.Length);
    }

    private DateTime Deadline() => time.GetUtcNow().UtcDateTime + options.CallDeadline;
}

using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Roundabout.Contracts;
using Roundabout.Contracts.Calculator.V1;
using Roundabout.Contracts.Database.V1;
using Roundabout.Contracts.Security;
using Roundabout.Dashboard.State;
using DatabaseApi = Roundabout.Contracts.Database.V1.Database;

namespace Roundabout.Dashboard.Accumulators;

/// <summary>
/// Once per sample interval, reads the accumulators where the servers keep them.
/// <list type="bullet">
/// <item>In the embedded database (the default): one List of key names under <c>acc/</c> finds
/// them, and one Get each reads them, the named ones always. A List returns at most 1000 keys and
/// the dedupe records share the prefix, so under heavy traffic some names may not be found; the
/// page says so, and --accumulator names one to show anyway.</item>
/// <item>In Redis or etcd (every listed server's <c>store</c> metadata names the same one, and the
/// operator did not name the database with --database): the dashboard does not dial
/// those stores; it asks a server for each named accumulator (GetAccumulator), trying the next
/// server when one does not answer. Only the named ones are shown: neither store is listed.</item>
/// </list>
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
                await ReadOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: reads the accumulators and puts them, or the failure, into the state.</summary>
    internal async Task ReadOnceAsync(CancellationToken cancellationToken)
    {
        var members = state.Members;
        var stores = members.Select(m => (m.Address, Store: AccumulatorSource.ExternalStore(m.Metadata))).ToArray();
        var external = stores.Where(m => m.Store is not null).ToArray();

        // Anyone who can register can write metadata: another store is followed only when every
        // listed server names the same one, and never when the operator named the database.
        var agreed = options.FollowServerStore && external.Length > 0 && external.Length == stores.Length
            && external.All(e => string.Equals(e.Store, external[0].Store, StringComparison.Ordinal));
        if (!agreed)
        {
            var source = external.Length == 0
                ? AccumulatorSource.Database(options.Database)
                : AccumulatorSource.DatabaseDespite(options.Database, external[0].Store!, external[0].Address, given: !options.FollowServerStore);
            var started = time.GetTimestamp();
            try
            {
                var (items, truncated) = await ReadDatabaseAsync(cancellationToken);
                state.SetAccumulators(source, items, truncated, time.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                state.AccumulatorsUnreachable(source, Membership.MembershipMonitor.Describe(ex));
            }

            return;
        }

        RpcException? last = null;
        foreach (var (server, store) in external)
        {
            try
            {
                var items = await ReadThroughServerAsync(server, cancellationToken);
                state.SetAccumulators(AccumulatorSource.ThroughServer(store!, server), items, truncated: false);
                return;
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                last = ex;
            }
            catch (FormatException)
            {
                // A member whose address is not host:port: the registry would not list it, but never trust it.
            }
        }

        var first = external[0];
        state.AccumulatorsUnreachable(
            AccumulatorSource.ThroughServer(first.Store!, first.Address),
            last is null ? "no server could be asked" : $"no server answered: {Membership.MembershipMonitor.Describe(last)}");
    }

    internal async Task<(IReadOnlyList<AccumulatorView> Items, bool Truncated)> ReadDatabaseAsync(CancellationToken cancellationToken)
    {
        var database = new DatabaseApi.DatabaseClient(channels.For(options.Database));
        var headers = options.DatabaseToken is { } token ? new Metadata { BearerHeader.For(token) } : null;
        var listed = await database.ListAsync(new ListRequest { Prefix = AccumulatorKeys.Prefix }, headers, Deadline(), cancellationToken);
        var found = listed.Items.Select(i => AccumulatorKeys.NameOf(i.Key)).OfType<string>().Order(StringComparer.Ordinal);
        var all = options.Accumulators.Concat(found).Distinct(StringComparer.Ordinal).ToArray();
        var names = all.Take(options.MaxAccumulators).ToArray();

        var items = await Task.WhenAll(names.Select(async name =>
        {
            var reply = await database.GetAsync(new GetRequest { Key = AccumulatorKeys.Value(name) }, headers, Deadline(), cancellationToken);
            return reply.Found
                ? new AccumulatorView(name, Encoding.ASCII.GetString(reply.Item.Value.Span), reply.Item.Version, true)
                : new AccumulatorView(name, "1", 0, false);
        }));
        return (items, listed.Truncated || all.Length > names.Length);
    }

    private async Task<IReadOnlyList<AccumulatorView>> ReadThroughServerAsync(string server, CancellationToken cancellationToken)
    {
        var calculator = new Calculator.CalculatorClient(channels.For(EndpointAddress.Parse(server)));
        return await Task.WhenAll(options.Accumulators.Take(options.MaxAccumulators).Select(async name =>
        {
            var reply = await calculator.GetAccumulatorAsync(new GetAccumulatorRequest { Name = name }, deadline: Deadline(), cancellationToken: cancellationToken);
            return new AccumulatorView(name, reply.Value, Version: null, Stored: true);
        }));
    }

    private DateTime Deadline() => time.GetUtcNow().UtcDateTime + options.CallDeadline;
}

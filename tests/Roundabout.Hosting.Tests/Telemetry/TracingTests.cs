using System.Diagnostics;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Trace;
using Roundabout.Client;
using Roundabout.Client.Telemetry;
using Roundabout.Contracts;
using Roundabout.Contracts.Registry.V1;
using Roundabout.Database;
using Roundabout.Hosting;
using Roundabout.Hosting.Telemetry;
using Roundabout.Registry;
using Roundabout.Server;
using RegistryApi = Roundabout.Contracts.Registry.V1.Registry;

namespace Roundabout.Hosting.Tests.Telemetry;

/// <summary>The tracer's listeners are process-wide, so these tests run alone: another test's hosts would be traced too.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "Tracing";
}

/// <summary>
/// Traces and logs join up, in-process with an in-memory exporter: the client's attempt span names
/// the server it reached, the server's span is named by gRPC method, lease renewals are left out
/// unless asked for, and a JSON log line written inside a call carries that call's span.
/// </summary>
[Collection(TracingCollection.Name)]
[Trait(Tier.Name, Tier.Host)]
public sealed class TracingTests : IAsyncDisposable
{
    private const string SumMethod = "roundabout.calculator.v1.Calculator/Sum";
    private const string RenewMethod = "roundabout.registry.v1.Registry/Renew";

    private static readonly ActivitySource _test = new("Roundabout.Hosting.Tests.Tracing");

    private readonly SpanList _spans = new();
    private readonly List<WebApplication> _apps = [];
    private readonly List<GrpcChannel> _channels = [];
    private int _registryPort;
    private int _serverPort;

    [Fact]
    public async Task TracedSum_TheAttemptNamesTheServer_TheServerSpanIsTheMethod_AndItsLogLineCarriesItsIds()
    {
        var logs = new JsonLogSink();
        await StartAsync(traceRegistry: false, traceRenewals: false, configureServer: services =>
            services.AddSingleton<ILoggerProvider>(sp => logs.Attach(sp.GetServices<ConsoleFormatter>())));
        await using var client = RoundaboutClient.Create(new RoundaboutClientOptions { Registries = [new EndpointAddress("127.0.0.1", _registryPort)] });

        await client.SumAsync("2", "3").DefaultTimeout();

        var call = await SpanAsync(s => s.OperationName == "RoundaboutClient.Sum", "the client's Sum span");
        var attempt = await SpanAsync(s => s.OperationName == "Grpc.Net.Client.GrpcOut" && s.ParentSpanId == call.SpanId && s.DisplayName == SumMethod, "the Sum attempt's span");
        Assert.Equal("127.0.0.1", attempt.GetTagItem("server.address"));
        Assert.Equal(_serverPort, attempt.GetTagItem("server.port"));

        var served = await SpanAsync(s => s.Kind == ActivityKind.Server && s.ParentSpanId == attempt.SpanId, "the server's span of the Sum");
        Assert.Equal(SumMethod, served.DisplayName);
        Assert.Equal("grpc", served.GetTagItem("rpc.system.name"));
        Assert.Equal(SumMethod, served.GetTagItem("rpc.method"));

        var logged = logs.Lines.Where(l => l.GetProperty("Category").GetString() == "Roundabout.Server.Calculation.CalculatorService").ToList();
        Assert.NotEmpty(logged);
        Assert.All(logged, line =>
        {
            Assert.Equal(served.TraceId.ToHexString(), line.GetProperty("TraceId").GetString());
            Assert.Equal(served.SpanId.ToHexString(), line.GetProperty("SpanId").GetString());
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LeaseRenewals_AreTracedOnlyWhenAsked(bool traceRenewals)
    {
        var renewals = new RenewCounter();
        await StartAsync(traceRegistry: true, traceRenewals, configureRegistry: services =>
        {
            services.AddSingleton(renewals);
            services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<RenewCounter>());
        });
        await Eventually.UntilAsync(() => renewals.Count >= 3, "the server has renewed its lease three times");

        // One renewal inside a traced operation, then a call whose span is exported after it.
        var registry = new RegistryApi.RegistryClient(Channel(_registryPort));
        ActivityTraceId traceId;
        ActivitySpanId parentId;
        using (var parent = _test.StartActivity("renew inside a traced operation"))
        {
            Assert.NotNull(parent);
            (traceId, parentId) = (parent.TraceId, parent.SpanId);
            await Assert.ThrowsAsync<RpcException>(() => registry.RenewAsync(new RenewRequest { LeaseId = "no-such-lease" }).ResponseAsync.DefaultTimeout());
            await registry.ListInstancesAsync(new ListInstancesRequest { Service = ServiceNames.Calculator }).ResponseAsync.DefaultTimeout();
        }

        await SpanAsync(s => s.Kind == ActivityKind.Server && s.TraceId == traceId && s.DisplayName.EndsWith("/ListInstances", StringComparison.Ordinal), "the registry's span of the list");

        if (traceRenewals)
        {
            await SpanAsync(s => s.DisplayName == RenewMethod && s.Kind == ActivityKind.Client && s.ParentSpanId == default, "a heartbeat's own trace");
            await SpanAsync(s => s.DisplayName == RenewMethod && s.Kind == ActivityKind.Server && s.TraceId != traceId, "the registry's span of a heartbeat");
            await SpanAsync(s => s.DisplayName == RenewMethod && s.Kind == ActivityKind.Server && s.TraceId == traceId, "the registry's span of the renewal sent within a trace");
        }
        else
        {
            // Neither the heartbeats (client or registry side) nor the registry's side of the
            // renewal sent within a trace: only that call's own client span, under its parent.
            var only = Assert.Single(_spans.Snapshot(), s => s.DisplayName == RenewMethod);
            Assert.Equal((ActivityKind.Client, parentId), (only.Kind, only.ParentSpanId));
        }
    }

    private async Task StartAsync(bool traceRegistry, bool traceRenewals, Action<IServiceCollection>? configureServer = null, Action<IServiceCollection>? configureRegistry = null)
    {
        var tracing = new TracingOptions
        {
            Export = tracer => tracer.AddSource(ClientTelemetry.ActivitySourceName, _test.Name).AddInMemoryExporter(_spans),
            TraceRenewals = traceRenewals,
        };
        var registry = await StartAsync(RegistryHost.Build(
            new RegistryHostOptions { Port = 0, Ttl = TimeSpan.FromSeconds(1), Tracing = traceRegistry ? tracing : null }, configureRegistry));
        _registryPort = registry.GetBoundPort();
        var database = await StartAsync(DatabaseHost.Build(new DatabaseHostOptions { Port = 0, InMemory = true }));
        var server = await StartAsync(ServerHost.Build(
            new ServerHostOptions
            {
                Port = 0,
                AdvertiseHost = "127.0.0.1",
                Registry = [new EndpointAddress("127.0.0.1", _registryPort)],
                Database = new EndpointAddress("127.0.0.1", database.GetBoundPort()),
                Tracing = tracing,
            },
            configureServer));
        _serverPort = server.GetBoundPort();

        var registryClient = new RegistryApi.RegistryClient(Channel(_registryPort));
        await Eventually.UntilAsync(
            async () => (await registryClient.ListInstancesAsync(new ListInstancesRequest { Service = ServiceNames.Calculator }).ResponseAsync.DefaultTimeout()).Instances.Count == 1,
            "the server is registered");
    }

    private async Task<WebApplication> StartAsync(WebApplication app)
    {
        _apps.Add(app);
        await app.StartAsync().DefaultTimeout();
        return app;
    }

    private GrpcChannel Channel(int port)
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        _channels.Add(channel);
        return channel;
    }

    private async Task<Activity> SpanAsync(Func<Activity, bool> match, string what)
    {
        Activity? found = null;
        await Eventually.UntilAsync(() => (found = _spans.Snapshot().FirstOrDefault(match)) is not null, $"{what} is exported");
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        _channels.ForEach(channel => channel.Dispose());
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(15));
            await app.DisposeAsync();
        }
    }

    /// <summary>Counts the renewals the registry serves, traced or not.</summary>
    private sealed class RenewCounter : Interceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (context.Method.EndsWith("/Renew", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }

            return continuation(request, context);
        }
    }
}

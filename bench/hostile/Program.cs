using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Roundabout.Contracts.Registry.V1;
using RegistryClient = Roundabout.Contracts.Registry.V1.Registry.RegistryClient;

// Each command prints one line of key=value figures for run.sh.
//   register-flood REGISTRY COUNT SECONDS SUFFIX SERVICE  registers COUNT instances (flood{i}{SUFFIX}:1000) of SERVICE, renews them for SECONDS, then stops
//   watch-hog REGISTRY COUNT SECONDS FROM          opens COUNT watches from the local address FROM, holds them SECONDS
//   healthz URL SECONDS                            asks URL every 100 ms for SECONDS after one untimed warm-up request; the slowest answer (a 2 s timeout counts as a failure)
//   sse-flood URL COUNT                            opens COUNT event streams, 500 at a time, holding the accepted ones until all are tried
var args0 = args.Length > 0 ? args[0] : "";
return args0 switch
{
    "register-flood" => await RegisterFloodAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), double.Parse(args[3], CultureInfo.InvariantCulture), args[4], args[5]),
    "watch-hog" => await WatchHogAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), double.Parse(args[3], CultureInfo.InvariantCulture), IPAddress.Parse(args[4])),
    "healthz" => await HealthzAsync(args[1], double.Parse(args[2], CultureInfo.InvariantCulture)),
    "sse-flood" => await SseFloodAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: register-flood REGISTRY COUNT SECONDS SUFFIX SERVICE | watch-hog REGISTRY COUNT SECONDS FROM | healthz URL SECONDS | sse-flood URL COUNT");
    return 2;
}

static GrpcChannel Channel(string registry, IPAddress from) => GrpcChannel.ForAddress($"http://{registry}", new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler
    {
        EnableMultipleHttp2Connections = true,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    },
});

static async Task<int> RegisterFloodAsync(string registry, int count, double seconds, string suffix, string service)
{
    using var channel = Channel(registry, IPAddress.Loopback);
    var client = new RegistryClient(channel);
    int accepted = 0, refused = 0, failed = 0;
    var leases = new System.Collections.Concurrent.ConcurrentBag<string>();
    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
    {
        try
        {
            var reply = await client.RegisterAsync(new RegisterRequest { Service = service, Address = $"flood{i}{suffix}:1000" }, cancellationToken: ct);
            leases.Add(reply.LeaseId);
            Interlocked.Increment(ref accepted);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
        {
            Interlocked.Increment(ref refused);
        }
        catch (RpcException)
        {
            Interlocked.Increment(ref failed);
        }
    });
    var registerSeconds = clock.Elapsed.TotalSeconds;
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        await Task.WhenAll(leases.Select(async lease =>
        {
            try
            {
                await client.RenewAsync(new RenewRequest { LeaseId = lease });
            }
            catch (RpcException)
            {
            }
        }));
        await Task.Delay(1000);
    }

    Console.WriteLine(FormattableString.Invariant($"registered={accepted} refused={refused} failed={failed} register_s={registerSeconds:0.0}"));
    return 0;
}

static async Task<int> WatchHogAsync(string registry, int count, double seconds, IPAddress from)
{
    using var channel = Channel(registry, from);
    var client = new RegistryClient(channel);
    var calls = Enumerable.Range(0, count).Select(_ => client.Watch(new WatchRequest())).ToArray();
    var outcomes = await Task.WhenAll(calls.Select(async call =>
    {
        try
        {
            return await call.ResponseStream.MoveNext(CancellationToken.None) ? "open" : "ended";
        }
        catch (RpcException ex)
        {
            return ex.StatusCode.ToString();
        }
    }));
    Console.WriteLine($"from={from} " + string.Join(' ', outcomes.GroupBy(o => o).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}")));
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    foreach (var call in calls)
    {
        call.Dispose();
    }

    return 0;
}

static async Task<int> HealthzAsync(string url, double seconds)
{
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
    // One untimed request first: this process's own first call (JIT, connection) takes 70-80 ms on
    // an idle dashboard, and is not the dashboard's time.
    try
    {
        await http.GetStringAsync(new Uri(url + "healthz"));
    }
    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
    {
    }

    double max = 0;
    int answered = 0, failed = 0;
    var until = Stopwatch.StartNew();
    while (until.Elapsed.TotalSeconds < seconds)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await http.GetStringAsync(new Uri(url + "healthz"));
            answered++;
            max = Math.Max(max, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            failed++;
        }

        await Task.Delay(100);
    }

    Console.WriteLine(FormattableString.Invariant($"healthz_answered={answered} healthz_failed={failed} healthz_max_ms={max:0.0}"));
    return 0;
}

static async Task<int> SseFloodAsync(string url, int count)
{
    var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
    using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    var open = new List<HttpResponseMessage>();
    int accepted = 0, refused = 0, failed = 0;
    foreach (var batch in Enumerable.Range(0, count).Chunk(500))
    {
        var results = await Task.WhenAll(batch.Select(async _ =>
        {
            try
            {
                return await http.GetAsync(new Uri(url + "events"), HttpCompletionOption.ResponseHeadersRead);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return null;
            }
        }));
        foreach (var response in results)
        {
            if (response is null)
            {
                failed++;
            }
            else if (response.StatusCode == HttpStatusCode.OK)
            {
                accepted++;
                open.Add(response);
            }
            else
            {
                refused++;
                response.Dispose();
            }
        }
    }

    Console.WriteLine($"streams_accepted={accepted} streams_refused={refused} streams_failed={failed}");
    foreach (var response in open)
    {
        response.Dispose();
    }

    return 0;
}

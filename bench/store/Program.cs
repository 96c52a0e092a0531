using Grpc.Net.Client;
using Roundabout.Bench.Store;
using StackExchange.Redis;
using DatabaseClient = Roundabout.Contracts.Database.V1.Database.DatabaseClient;

// Usage: --database HOST:PORT --redis HOST:PORT [--clients 50] [--seconds 10]
var settings = args.Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
if (!settings.TryGetValue("database", out var databaseAddress) || !settings.TryGetValue("redis", out var redisAddress))
{
    Console.Error.WriteLine("usage: Roundabout.Bench.Store --database HOST:PORT --redis HOST:PORT [--clients 50] [--seconds 10]");
    return 2;
}

var clients = int.Parse(settings.GetValueOrDefault("clients", "50"), System.Globalization.CultureInfo.InvariantCulture);
var duration = TimeSpan.FromSeconds(double.Parse(settings.GetValueOrDefault("seconds", "10"), System.Globalization.CultureInfo.InvariantCulture));

using var channel = GrpcChannel.ForAddress($"http://{databaseAddress}");
var ours = new DatabaseLoad(new DatabaseClient(channel));
await using var multiplexer = await ConnectionMultiplexer.ConnectAsync($"{redisAddress},abortConnect=false");
var redis = new RedisLoad(multiplexer.GetDatabase());

// --only put,set,multiply-atomic,incr,multiply-combined,multiply-cas,multiply-lua,multiply-watch runs a subset.
var only = settings.TryGetValue("only", out var list) ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet() : null;
var results = new Dictionary<string, Measurement>();
(string Id, string Name, Func<int, long, Task> Operation)[] workloads =
[
    ("put", "roundabout Put (durable unless run in memory)", ours.PutAsync),
    ("set", "redis SET (appendfsync always)", redis.SetAsync),
    ("multiply-atomic", "roundabout atomic multiply (one Txn op per call)", ours.MultiplyAtomicAsync),
    ("incr", "redis INCR (appendfsync always)", redis.IncrAsync),
    ("multiply-combined", "roundabout multiply (combined Get+Txn)", ours.MultiplyCombinedAsync),
    ("multiply-lua", "redis multiply (Lua GET*SET script)", redis.MultiplyWithScriptAsync),
    ("multiply-cas", "roundabout multiply (per-client Get+Txn loop)", ours.MultiplyWithCasLoopAsync),
    ("multiply-watch", "redis multiply (WATCH/MULTI/EXEC loop)", redis.MultiplyWithWatchAsync),
];

Console.WriteLine($"{clients} concurrent clients, {duration.TotalSeconds:N0} s per measurement, {Environment.ProcessorCount} cores");
foreach (var (id, name, operation) in workloads.Where(w => only is null || only.Contains(w.Id)))
{
    results[id] = await LoadRunner.RunAsync(name, clients, duration, operation);
    Console.WriteLine(results[id]);
}

Console.WriteLine();
Ratio("durable puts", "roundabout Put / redis SET", "put", "set");
Ratio("atomic", "roundabout atomic multiply / redis INCR", "multiply-atomic", "incr");
Ratio("multiply", "roundabout combined / redis Lua", "multiply-combined", "multiply-lua");
Ratio("multiply", "roundabout Get+Txn loop / redis WATCH loop", "multiply-cas", "multiply-watch");
return 0;

void Ratio(string what, string how, string ours, string theirs)
{
    if (results.TryGetValue(ours, out var a) && results.TryGetValue(theirs, out var b))
    {
        Console.WriteLine($"{what + ":",-14} {how} = {a.PerSecond / b.PerSecond:N2}");
    }
}

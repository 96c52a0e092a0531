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

Console.WriteLine($"{clients} concurrent clients, {duration.TotalSeconds:N0} s per measurement, {Environment.ProcessorCount} cores");
var put = await LoadRunner.RunAsync("roundabout durable Put", clients, duration, ours.PutAsync);
Console.WriteLine(put);
var set = await LoadRunner.RunAsync("redis SET (appendfsync always)", clients, duration, redis.SetAsync);
Console.WriteLine(set);
var combined = await LoadRunner.RunAsync("roundabout multiply (combined Get+Txn)", clients, duration, ours.MultiplyCombinedAsync);
Console.WriteLine(combined);
var cas = await LoadRunner.RunAsync("roundabout multiply (per-client Get+Txn loop)", clients, duration, ours.MultiplyWithCasLoopAsync);
Console.WriteLine(cas);
var lua = await LoadRunner.RunAsync("redis multiply (Lua GET*SET script)", clients, duration, redis.MultiplyWithScriptAsync);
Console.WriteLine(lua);
var watch = await LoadRunner.RunAsync("redis multiply (WATCH/MULTI/EXEC loop)", clients, duration, redis.MultiplyWithWatchAsync);
Console.WriteLine(watch);

Console.WriteLine();
Console.WriteLine($"durable puts:  roundabout / redis = {put.PerSecond / set.PerSecond:N2}");
Console.WriteLine($"multiply:      roundabout combined / redis Lua = {combined.PerSecond / lua.PerSecond:N2}");
Console.WriteLine($"multiply:      roundabout Get+Txn loop / redis WATCH loop = {cas.PerSecond / watch.PerSecond:N2}");
return 0;

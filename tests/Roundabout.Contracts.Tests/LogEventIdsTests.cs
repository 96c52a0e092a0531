using System.Reflection;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts;

namespace Roundabout.Contracts.Tests;

/// <summary>Every log message of every assembly has an event id of its component's range (<see cref="LogEventIds"/>), and no two share one.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class LogEventIdsTests
{
    private const BindingFlags AllMethods = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    [Fact]
    public void EveryLoggerMessage_HasAnIdInItsComponentsRange_AndNoOtherMessageHasIt()
    {
        var messages = LogEventIds.Ranges.Keys.Select(Assembly.Load).SelectMany(LoggerMessages).ToList();

        var outside = messages
            .Where(m => !LogEventIds.Ranges[m.Assembly].Contains(m.Id))
            .Select(m => $"{m.Method} has {m.Id}, outside {m.Assembly}'s {LogEventIds.Ranges[m.Assembly]}");
        var shared = messages
            .GroupBy(m => m.Id)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}");

        Assert.True(messages.Count >= 90, $"only {messages.Count} log messages found: the assemblies were not all searched");
        Assert.Empty(outside);
        Assert.Empty(shared);
    }

    [Fact]
    public void EveryAssemblyThatLogs_HasARange()
    {
        var assemblies = Directory.GetFiles(AppContext.BaseDirectory, "*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => name!.StartsWith("Roundabout", StringComparison.OrdinalIgnoreCase) && !name.EndsWith(".Tests", StringComparison.Ordinal) && name != "Roundabout.Testing")
            .Select(name => Assembly.Load(name!))
            .ToList();

        var missing = assemblies.Where(a => LoggerMessages(a).Any() && !LogEventIds.Ranges.ContainsKey(a.GetName().Name!)).Select(a => a.GetName().Name);

        Assert.Contains(assemblies, a => a.GetName().Name == "roundabout");
        Assert.Empty(missing);
    }

    [Fact]
    public void Ranges_DoNotOverlap()
    {
        var ranges = LogEventIds.Ranges.Values.OrderBy(r => r.First).ToList();

        Assert.All(ranges, r => Assert.True(r.First <= r.Last, $"{r} is empty"));
        Assert.All(ranges.Zip(ranges.Skip(1)), pair => Assert.True(pair.First.Last < pair.Second.First, $"{pair.First} overlaps {pair.Second}"));
    }

    private static IEnumerable<(string Assembly, string Method, int Id)> LoggerMessages(Assembly assembly) =>
        from type in assembly.GetTypes()
        from method in type.GetMethods(AllMethods)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null
        select (assembly.GetName().Name!, $"{type.FullName}.{method.Name}", attribute.EventId);
}

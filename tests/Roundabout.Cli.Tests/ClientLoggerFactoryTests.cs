using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Roundabout.Cli.ClientSetup;
using Roundabout.Hosting;

namespace Roundabout.Cli.Tests;

/// <summary>The one-shot commands' light logger takes the same --log-format and --log-level as the components.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed partial class ClientLoggerFactoryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 6, 59, 11, TimeSpan.Zero));

    [Fact]
    public void Json_WritesOneObjectPerLineWithTheClientComponent()
    {
        var output = new StringWriter();
        using var factory = new ClientLoggerFactory(new LogSettings(LogFormat.Json, LogLevel.Information), output, _time);

        var logger = factory.CreateLogger("Roundabout.Client.RoundaboutClient");

        Fetched(logger, 2);

        var json = JsonDocument.Parse(output.ToString().TrimEnd('\n')).RootElement;
        Assert.Equal("client", json.GetProperty("Component").GetString());
        Assert.Equal("Information", json.GetProperty("LogLevel").GetString());
        Assert.Equal("Roundabout.Client.RoundaboutClient", json.GetProperty("Category").GetString());
        Assert.Equal("Fetched 2 server(s)", json.GetProperty("Message").GetString());
        Assert.Equal(2, json.GetProperty("State").GetProperty("Count").GetInt32());
    }

    [Fact]
    public void Text_IsTheExercisesLine()
    {
        var output = new StringWriter();
        using var factory = new ClientLoggerFactory(new LogSettings(LogFormat.Text, LogLevel.Warning), output, _time);

        var logger = factory.CreateLogger("Roundabout.Client.RoundaboutClient");

        NoAnswer(logger, "localhost:8000");

        Assert.Matches(@"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} \[Client\] Warning: Registry localhost:8000 did not answer\n$", output.ToString());
    }

    [Fact]
    public void Level_SilencesWhatIsLessSevere_AndDebugOpensTheFrameworksToo()
    {
        var warnings = new StringWriter();
        var debug = new StringWriter();
        using var atWarning = new ClientLoggerFactory(new LogSettings(LogFormat.Text, LogLevel.Warning), warnings, _time);
        using var atDebug = new ClientLoggerFactory(new LogSettings(LogFormat.Text, LogLevel.Debug), debug, _time);
        using var atInformation = new ClientLoggerFactory(new LogSettings(LogFormat.Text, LogLevel.Information), warnings, _time);

        atWarning.CreateLogger("Roundabout.Client.RoundaboutClient").LogInformation("info line");
        atDebug.CreateLogger("Roundabout.Client.RoundaboutClient").LogDebug("debug line");
        atDebug.CreateLogger("Grpc.Net.Client.Internal.GrpcCall").LogDebug("grpc debug line");
        atInformation.CreateLogger("Grpc.Net.Client.Internal.GrpcCall").LogWarning("grpc warning below its Error floor");

        Assert.Equal(string.Empty, warnings.ToString());
        Assert.Contains("debug line", debug.ToString(), StringComparison.Ordinal);
        Assert.Contains("grpc debug line", debug.ToString(), StringComparison.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched {Count} server(s)")]
    private static partial void Fetched(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registry {Registry} did not answer")]
    private static partial void NoAnswer(ILogger logger, string registry);
}

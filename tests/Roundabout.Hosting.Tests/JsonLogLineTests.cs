using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Roundabout.Hosting;

namespace Roundabout.Hosting.Tests;

[Trait(Tier.Name, Tier.Unit)]
public sealed class JsonLogLineTests
{
    private static readonly DateTimeOffset _time = new(2026, 11, 26, 6, 59, 11, 250, TimeSpan.FromHours(1));

    [Fact]
    public void Format_WritesTheFieldsAndTheComponentInLowerCase()
    {
        var state = new List<KeyValuePair<string, object?>> { new("Address", "localhost:9001"), new("Port", 9001), new("{OriginalFormat}", "Server registered: {Address}") };

        var json = JsonDocument.Parse(JsonLogLine.Format(_time, "Registry", "Roundabout.Registry.Grpc.RegistryService", LogLevel.Information, new EventId(1001), "Server registered: localhost:9001", null, state)).RootElement;

        Assert.Equal("2026-11-26T05:59:11.250Z", json.GetProperty("Timestamp").GetString());
        Assert.Equal(1001, json.GetProperty("EventId").GetInt32());
        Assert.Equal("Information", json.GetProperty("LogLevel").GetString());
        Assert.Equal("Roundabout.Registry.Grpc.RegistryService", json.GetProperty("Category").GetString());
        Assert.Equal("registry", json.GetProperty("Component").GetString());
        Assert.Equal("Server registered: localhost:9001", json.GetProperty("Message").GetString());
        Assert.Equal("localhost:9001", json.GetProperty("State").GetProperty("Address").GetString());
        Assert.Equal(9001, json.GetProperty("State").GetProperty("Port").GetInt32());
        Assert.False(json.TryGetProperty("Exception", out _));
    }

    [Fact]
    public void Format_ControlCharactersInTheMessage_StayOnOneLineAndReadBackAsTheyWere()
    {
        const string message = "refused: a: '1\n2026/11/26 06:59:11 [Server] FAKE\0\r\u2028é\"\\'";

        var line = JsonLogLine.Format(_time, "Server", "Roundabout.Server", LogLevel.Warning, default, message, new InvalidOperationException("x\ny"), state: null);

        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.DoesNotContain('\0', line);
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal(message, json.GetProperty("Message").GetString());
        Assert.StartsWith("System.InvalidOperationException: x\ny", json.GetProperty("Exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Format_InsideAnActivity_CarriesItsTraceAndSpanIds_AndOutsideNone()
    {
        using var activity = new Activity("call").SetIdFormat(ActivityIdFormat.W3C).Start();

        var inside = JsonDocument.Parse(JsonLogLine.Format(_time, "Server", "Roundabout.Server", LogLevel.Information, default, "m", null, null, activity)).RootElement;
        var outside = JsonDocument.Parse(JsonLogLine.Format(_time, "Server", "Roundabout.Server", LogLevel.Information, default, "m", null, null)).RootElement;

        Assert.Equal(activity.TraceId.ToHexString(), inside.GetProperty("TraceId").GetString());
        Assert.Equal(activity.SpanId.ToHexString(), inside.GetProperty("SpanId").GetString());
        Assert.False(outside.TryGetProperty("TraceId", out _));
        Assert.False(outside.TryGetProperty("SpanId", out _));
    }

    [Fact]
    public void Format_LoneSurrogate_BecomesAReplacementCharacterInsteadOfThrowing()
    {
        var line = JsonLogLine.Format(_time, "Server", "Roundabout.Server", LogLevel.Information, default, "bad \ud800 text", null, state: null);

        Assert.Equal("bad \ufffd text", JsonDocument.Parse(line).RootElement.GetProperty("Message").GetString());
    }

    [Theory]
    [InlineData("trace", LogLevel.Trace)]
    [InlineData("DEBUG", LogLevel.Debug)]
    [InlineData("information", LogLevel.Information)]
    [InlineData("info", LogLevel.Information)]
    [InlineData("Warning", LogLevel.Warning)]
    [InlineData("warn", LogLevel.Warning)]
    [InlineData("error", LogLevel.Error)]
    [InlineData("critical", LogLevel.Critical)]
    [InlineData("none", LogLevel.None)]
    [InlineData("loud", null)]
    [InlineData("", null)]
    public void ParseLevel_TakesTheNamesAndTheirShortForms(string text, LogLevel? expected) =>
        Assert.Equal(expected, LogSettings.ParseLevel(text));

    [Theory]
    [InlineData(LogLevel.Information, LogLevel.Warning, LogLevel.Warning)]
    [InlineData(LogLevel.Error, LogLevel.Warning, LogLevel.Error)]
    [InlineData(LogLevel.Debug, LogLevel.Warning, LogLevel.Debug)]
    [InlineData(LogLevel.Trace, LogLevel.Error, LogLevel.Trace)]
    public void FrameworkMinimum_KeepsFrameworkChatterOutUnlessDebugOrTraceIsAsked(LogLevel level, LogLevel usualFloor, LogLevel expected) =>
        Assert.Equal(expected, new LogSettings(LogFormat.Text, level).FrameworkMinimum(usualFloor));
}

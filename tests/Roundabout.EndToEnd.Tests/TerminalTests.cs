using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// up, the menu, bench and servers --watch in a pseudo-terminal, read from the screen a person
/// would see: log lines never split a prompt, progress redraws in place, Ctrl-C and Ctrl-D end
/// things as they should.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed partial class TerminalTests
{
    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Up_InATerminal_LogLinesGoAboveThePrompt_TheTypedTextStays_AndCtrlDExitsLikeOption3()
    {
        var (registryPort, databasePort, firstServerPort, firstMetricsPort) = UpTests.FreePorts();
        await using var up = PtyProcess.Start(
            ["up", "--servers", "2", "--in-memory", "--registry-port", Text(registryPort), "--database-port", Text(databasePort), "--first-server-port", Text(firstServerPort),
                "--first-metrics-port", Text(firstMetricsPort), "--dashboard-port", Text(firstMetricsPort + 4)],
            columns: 100,
            rows: 30);
        await up.WaitForScreenAsync(s => s.LastNonEmptyRow == "[Client] Select an option:", "the menu's prompt", _startTimeout);

        await up.TypeAsync("1" + PtyProcess.Enter);
        await up.WaitForScreenAsync(s => s.LastNonEmptyRow == "Enter A:", "the prompt for A");
        await up.TypeAsync("12");
        await up.WaitForScreenAsync(s => s.LastNonEmptyRow == "Enter A: 12", "the typed 12 after the prompt");

        // Another server joins and leaves while the prompt waits: the registry logs both under up.
        await using (var extra = CliProcess.Start("server", "--port", "0", "--registry", $"localhost:{registryPort}", "--database", $"localhost:{databasePort}"))
        {
            var port = await extra.WaitForPortAsync(@"Server running on localhost:(?<port>\d+)\.");
            extra.Terminate();
            await extra.WaitForExitAsync();
            await up.WaitForScreenAsync(
                s => s.AllRows.Any(r => Regex.IsMatch(r, $@"^registry\s+\| {ProcessCluster.Stamp[1..]}\[Registry\] Server deregistered: localhost:{port}$")),
                "the registry's line about the extra server leaving");
        }

        var rows = up.Read(s => s.AllRows);
        Assert.Equal("Enter A: 12", up.Read(s => s.LastNonEmptyRow));
        Assert.DoesNotContain(rows, r => r.Contains('|', StringComparison.Ordinal) && (r.Contains("Enter A:", StringComparison.Ordinal) || r.Contains("Select an option:", StringComparison.Ordinal)));
        Assert.Contains(rows, r => Regex.IsMatch(r, @"^registry\s+\| .*\[Registry\] Service Registry running on port :" + registryPort + "$"));
        Assert.Contains(rows, r => Regex.IsMatch(r, @"^server-" + firstServerPort + @"\s+\| .*\[Server\] Successfully registered to Registry$"));

        await up.TypeAsync(PtyProcess.Enter);
        await up.WaitForScreenAsync(s => s.LastNonEmptyRow == "Enter B:", "the prompt for B");
        await up.TypeAsync("30" + PtyProcess.Enter);
        await up.WaitForScreenAsync(s => s.AllRows.Any(r => r.StartsWith("[Client] Result: 42 (computed by server localhost:", StringComparison.Ordinal)), "the sum");
        await up.WaitForScreenAsync(s => s.LastNonEmptyRow == "[Client] Select an option:", "the prompt again");

        await up.TypeAsync(PtyProcess.CtrlD);
        Assert.Equal(0, await up.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        rows = up.Read(s => s.AllRows);
        var exiting = rows.ToList().FindIndex(r => r == "[Client] Exiting.");
        Assert.True(exiting > 0, "Ctrl-D printed no '[Client] Exiting.':\n" + up.Text);
        Assert.Equal("[Client] Select an option:", rows[exiting - 1]);
        Assert.Empty(up.Read(s => s.Unknown));
    }

    [Fact]
    public async Task Bench_InATerminal_RedrawsOneProgressLine_AndCtrlCPrintsThePartialResultsMarkedInterruptedWith130()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 2);
        await using var bench = PtyProcess.Start(["bench", "--op", "sum", "-c", "2", "--duration", "5m", "--registry", cluster.RegistryAddress], columns: 100, rows: 30);

        long first = 0;
        await bench.WaitForScreenAsync(s => (first = ProgressCount(s)) > 0, "a progress line with requests", _startTimeout);
        await bench.WaitForScreenAsync(s => ProgressCount(s) > first, "the progress line redrawn with more requests");
        Assert.Equal(1, bench.Read(s => s.AllRows.Count(r => ProgressLine().IsMatch(r))));

        await bench.TypeAsync(PtyProcess.CtrlC);

        Assert.Equal(130, await bench.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var rows = bench.Read(s => s.AllRows);
        Assert.Contains(rows, r => Regex.IsMatch(r, @"^\[Client\] Bench sum: \d+ requests at concurrency 2 \(round-robin\) in [\d.]+ s \(interrupted\)$"));
        Assert.Contains(rows, r => r.StartsWith("Throughput: ", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("Latency (ms): p50 ", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, r => ProgressLine().IsMatch(r));
    }

    [Fact]
    public async Task Bench_NotATerminal_PrintsProgressAsPlainLinesOnStderr_AndJsonSaysWhatWasMeasured()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 1);
        var bench = cluster.Track(CliProcess.Start("bench", "--op", "sum", "-c", "3", "--duration", "6s", "--json", "--registry", cluster.RegistryAddress));

        Assert.Equal(0, await bench.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains(bench.ErrorLines, l => ProgressLine().IsMatch(l));
        Assert.DoesNotContain(bench.Lines, l => l.Contains('\r', StringComparison.Ordinal));
        var json = System.Text.Json.JsonDocument.Parse(bench.Lines.Except(bench.ErrorLines).Single()).RootElement;
        Assert.Equal("sum", json.GetProperty("operation").GetString());
        Assert.Equal(3, json.GetProperty("concurrency").GetInt32());
        Assert.Equal("round-robin", json.GetProperty("policy").GetString());
        Assert.Equal(6, json.GetProperty("duration_s").GetDouble());
        Assert.False(json.GetProperty("interrupted").GetBoolean());
        Assert.Matches(@"^\d+\.\d+\.\d+", json.GetProperty("version").GetString());
    }

    [Fact]
    public async Task ServersWatch_InATerminal_KeepsRenewalTimesCurrent_AndTimestampsEveryEvent()
    {
        await using var cluster = await ProcessCluster.StartAsync(servers: 1);
        var (_, port) = cluster.Servers[0];
        await using var watch = PtyProcess.Start(["servers", "--watch", "--registry", cluster.RegistryAddress], columns: 100, rows: 30);

        string? renewed = null;
        await watch.WaitForScreenAsync(s => (renewed = RenewedAt(s, port)) is not null, "the server's row with its renewal time", _startTimeout);
        await watch.WaitForScreenAsync(s => RenewedAt(s, port) is { } now && string.CompareOrdinal(now, renewed) > 0, "the renewal time moving on without any event");

        var (_, second) = await cluster.StartServerAsync();
        await watch.WaitForScreenAsync(
            s => s.AllRows.Any(r => Regex.IsMatch(r, ProcessCluster.Stamp + $@"\[Client\] localhost:{second} joined$")),
            "a timestamped line for the server that joined");
        await watch.WaitForScreenAsync(s => RenewedAt(s, second) is not null, "the joined server in the table");
        Assert.Contains(watch.Read(s => s.AllRows), r => Regex.IsMatch(r, ProcessCluster.Stamp + @"\[Client\] snapshot at revision \d+$"));
        Assert.Equal(1, watch.Read(s => s.AllRows.Count(r => r.StartsWith("ADDRESS", StringComparison.Ordinal))));

        await watch.TypeAsync(PtyProcess.CtrlC);
        Assert.Equal(0, await watch.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private static long ProgressCount(TerminalScreen screen)
    {
        var match = screen.AllRows.Select(r => ProgressLine().Match(r)).LastOrDefault(m => m.Success);
        return match is null ? 0 : long.Parse(match.Groups["requests"].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string? RenewedAt(TerminalScreen screen, int port) =>
        screen.Rows.Select(r => Regex.Match(r, $@"^localhost:{port}\s+(?<at>\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d)\s")).FirstOrDefault(m => m.Success)?.Groups["at"].Value;

    [GeneratedRegex(@"^\[Client\]\s+[\d.]+ s\s+(?<requests>\d+) requests\s+\d+ errors\s+[\d.]+ req/s$")]
    private static partial Regex ProgressLine();

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

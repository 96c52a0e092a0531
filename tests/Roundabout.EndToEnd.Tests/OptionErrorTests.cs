using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Roundabout.EndToEnd.Tests;

/// <summary>
/// Every option that takes a value, on every command (found from the real --help output, so a
/// new option is covered the day it is added), answers a malformed value with one line that names
/// the option and what it takes, and exit code 2: never a stack trace.
/// </summary>
[Trait(Tier.Name, Tier.Process)]
public sealed partial class OptionErrorTests
{
    /// <summary>A malformed value per option; an option missing here fails the test until one is added.</summary>
    private static readonly Dictionary<string, string[]> _malformed = new(StringComparer.Ordinal)
    {
        ["--port"] = ["abc", "70000", "-1", "9001x"],
        ["--registry-port"] = ["abc", "0"],
        ["--database-port"] = ["8001.5"],
        ["--first-server-port"] = ["nine"],
        ["--first-metrics-port"] = ["x", "0", "65535"],
        ["--metrics-port"] = ["abc", "70000", "-1"],
        ["--dashboard-port"] = ["web", "0"],
        ["--accumulator"] = ["bad name!", "<b>"],
        ["--servers"] = ["abc", "0"],
        ["--listen"] = ["everywhere"],
        ["--registry"] = ["not-an-address"],
        ["--database"] = ["localhost:port"],
        ["--store"] = ["ftp://x"],
        ["--advertise-host"] = ["bad host!"],
        ["--metadata"] = ["novalue"],
        ["--ttl"] = ["soon"],
        ["--renew-interval"] = ["-1s"],
        ["--backend"] = ["mysql://x"],
        ["--policy"] = ["random"],
        ["--service"] = ["a/b", " "],
        ["--deadline"] = ["soon"],
        ["--attempt-timeout"] = ["5 parsecs"],
        ["--duration"] = ["forever"],
        ["--concurrency"] = ["many"],
        ["--rps"] = ["fast", "0"],
        ["--timeout"] = ["soon", "2h"],
        ["--inject-latency"] = ["slow", "2s@0", "2s@1.5", "2m"],
        ["--inject-errors"] = ["some", "1.5", "-0.1"],
        ["--requests"] = ["lots"],
        ["--op"] = ["divide"],
        ["--factor"] = ["x"],
        ["--name"] = ["bad name!"],
        ["--multiply-batch"] = ["0", "many"],
        ["--count"] = ["abc", "0"],
        ["--seed"] = ["x", "-1"],
        ["--request-id"] = ["bad id!"],
        ["--tls-cert"] = ["missing-cert.pem"],
        ["--tls-key"] = ["missing-key.pem"],
        ["--tls-ca"] = ["missing-ca.pem", "/"],
        ["--tls-client-ca"] = ["missing-client-ca.pem"],
        ["--token-file"] = ["missing-token"],
        ["--database-token-file"] = ["missing-token"],
        ["--max-event-streams"] = ["0", "many"],
        ["--metrics-hosts"] = ["bad host!"],
        ["--max-watches-per-client"] = ["0", "many"],
        ["--max-registrations-per-second"] = ["0", "fast"],
        ["--registration-burst"] = ["0", "x"],
        ["--log-format"] = ["xml"],
        ["--log-level"] = ["loud", "verbose"],
    };

    /// <summary>Options whose value is free text: any string is a valid one.</summary>
    private static readonly HashSet<string> _freeText = new(StringComparer.Ordinal) { "--token", "--database-token", "--data-dir", "--history" };

    [Fact]
    public async Task EveryOptionOfEveryCommand_MalformedValue_OneLineNamingTheOptionAndExitTwo()
    {
        var (_, rootHelp) = await ProcessCluster.RunAsync("--help");
        var commands = Section(rootHelp, "Commands").Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ToArray();
        Assert.Contains("server", commands);

        var cases = new List<string[]>();
        foreach (var command in commands)
        {
            var (_, help) = await ProcessCluster.RunAsync(command, "--help");
            foreach (var option in Section(help, "Options").Select(ValueOption).OfType<string>())
            {
                if (_freeText.Contains(option))
                {
                    continue;
                }

                Assert.True(_malformed.TryGetValue(option, out var values), $"'{command} {option}' takes a value, but this test has no malformed example for it; add one.");
                foreach (var value in values)
                {
                    cases.Add([command, .. RequiredArguments(command, option), option, value]);
                }
            }
        }

        Assert.True(cases.Count > 40, $"only {cases.Count} cases were found in the help output");
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (args, _) =>
        {
            var (code, output) = await ProcessCluster.RunAsync(args);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var option = args[^2];
            if (code != 2 || lines.Length != 1 || !lines[0].StartsWith("Error: " + option, StringComparison.Ordinal) || output.Contains("   at ", StringComparison.Ordinal))
            {
                failures.Add($"roundabout {string.Join(' ', args)} -> exit {code}:\n{output}");
            }
        });

        Assert.True(failures.IsEmpty, string.Join("\n\n", failures));
    }

    [Theory]
    [InlineData("-port")]
    [InlineData("-p")]
    [InlineData("--port")]
    public async Task Server_PortSpelledAsTheExerciseDoes_ListensOnThatPort(string spelling)
    {
        await using var cluster = new ProcessCluster();
        await cluster.StartRegistryAsync();
        await cluster.StartDatabaseAsync(durable: false);
        var port = FreePort();
        var server = cluster.Track(CliProcess.Start("server", spelling, port.ToString(CultureInfo.InvariantCulture), "--registry", cluster.RegistryAddress, "--database", $"localhost:{cluster.DatabasePort}"));

        var started = await server.WaitForPortAsync(ProcessCluster.Stamp + @"\[Server\] Server running on localhost:(?<port>\d+)\. Waiting for requests\.\.\.$");

        Assert.Equal(port, started);
    }

    [Theory]
    [InlineData("server", "-port", "abc")]
    [InlineData("server", "-p", "abc")]
    [InlineData("up", "--servers", "abc")]
    public async Task MalformedNumber_IsOneLineAndExitTwo(string command, string option, string value)
    {
        var (code, output) = await ProcessCluster.RunAsync(command, option, value);

        Assert.Equal(2, code);
        Assert.Equal($"Error: --{option.TrimStart('-') switch { "p" => "port", var o => o }} takes a whole number from {(command == "up" ? "1 to 32" : "0 to 65535")}; got '{value}'. (see 'roundabout {command} --help')", output);
    }

    private static string[] RequiredArguments(string command, string option) => command switch
    {
        "sum" => ["1", "2"],
        "multiply" => ["2"],
        "bench" when option is not ("--requests" or "--duration") => ["--requests", "1"],
        // verify's port options go with --chaos (a malformed value stops it before anything starts).
        "verify" when option is "--registry-port" or "--database-port" or "--first-server-port" => ["--chaos"],
        _ => [],
    };

    /// <summary>The long name of an option line that takes a value, such as "-p, --port, -port &lt;port&gt;  ...".</summary>
    private static string? ValueOption(string line)
    {
        var match = OptionLine().Match(line);
        return match.Success ? match.Groups["long"].Value : null;
    }

    private static IEnumerable<string> Section(string help, string title)
    {
        var inSection = false;
        foreach (var line in help.Split('\n'))
        {
            if (line.StartsWith(title + ":", StringComparison.Ordinal))
            {
                inSection = true;
            }
            else if (inSection && line.StartsWith("  ", StringComparison.Ordinal))
            {
                yield return line.Trim();
            }
            else if (inSection && line.Trim().Length > 0)
            {
                yield break;
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^(?:-\S+, )*(?<long>--[a-z-]+)(?:, -\S+)* <[^>]+>")]
    private static partial Regex OptionLine();
}

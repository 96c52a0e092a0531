using System.CommandLine;
using System.Net;
using Roundabout.Contracts;

namespace Roundabout.Cli.Commands;

/// <summary>Options that several commands share, built fresh per command.</summary>
internal static class CommonOptions
{
    /// <summary>--port, also spelled -p and -port (the exercise's <c>server -port 9001</c>).</summary>
    public static Option<int> Port(int defaultPort, string what) =>
        NumberOption.Int("--port", ["-p", "-port"], 0, 65535, defaultPort, $"The port {what} listens on (0 picks a free one).");

    /// <summary>--metrics-port: off unless given.</summary>
    public static Option<int?> MetricsPort(string what) =>
        NumberOption.OptionalInt("--metrics-port", [], 0, 65535,
            $"Serve {what}'s metrics as Prometheus text at http://<listen>:<port>/metrics (HTTP/1.1, on the --listen interface; " +
            "0 picks a free port). Off unless given. See docs/operations.md for every metric.");

    public static Option<string> Listen() => new("--listen")
    {
        Description = "The interface to bind: 127.0.0.1 (loopback, the default) or another IP address such as 0.0.0.0 " +
            "to accept connections from other machines. Only open other interfaces on a trusted network.",
        DefaultValueFactory = _ => "127.0.0.1",
        Validators = { r => { if (!IPAddress.TryParse(r.GetValueOrDefault<string>(), out _)) { r.AddError("--listen takes an IP address, such as 127.0.0.1 or 0.0.0.0."); } } },
    };

    public static Option<string> Registry() => AddressList("--registry", DefaultPorts.RegistryAddress, "The registry's address, host:port; several may be given, comma-separated.");

    public static Option<string> Database() => AddressList("--database", DefaultPorts.DatabaseAddress, "The database's address, host:port.");

    public static Option<bool> Json() => new("--json") { Description = "Print the result as JSON, for scripts." };

    private static Option<string> AddressList(string name, string defaultValue, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        Validators =
        {
            r =>
            {
                try
                {
                    EndpointAddress.ParseList(r.GetValueOrDefault<string>());
                }
                catch (FormatException ex)
                {
                    r.AddError($"{name}: {ex.Message}");
                }
            },
        },
    };
}

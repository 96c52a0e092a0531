using System.CommandLine;
using Microsoft.Extensions.Logging;
using Roundabout.Cli.Commands;
using Roundabout.Client;
using Roundabout.Contracts;
using Roundabout.Hosting;

namespace Roundabout.Cli.ClientSetup;

/// <summary>The options every client-side command shares, and how they become a client session.</summary>
internal sealed class ClientOptionSet
{
    public Option<string> Registry { get; } = CommonOptions.Registry();

    public Option<BalancingPolicy?> Policy { get; } = PolicyOption();

    public Option<TimeSpan?> Deadline { get; } = DurationOption.Create("--deadline", [], DurationText.Max,
        "The time one call may take, retries on other servers included, for example 5s or 500ms. Default: 5s.");

    public Option<TimeSpan?> AttemptTimeout { get; } = DurationOption.Create("--attempt-timeout", [], DurationText.Max,
        "The time one attempt on one server may take before the call moves on to another server. Default: 2s.");

    public TlsOptions Tls { get; } = TlsOptions.ForClient();

    /// <summary>--token and --token-file: sent only with reset, which a server with a token refuses without it.</summary>
    public TokenOptions Token { get; } = TokenOptions.Registry(
        "The cluster's shared token (the registry's, which the servers are started with), sent only with reset: " +
        "a server started with --token refuses reset without it. Sum, multiply and reading need none.");
    /// <summary>--log-format and --log-level; client commands log warnings and errors only by default.</summary>
    public LogOptions Log { get; } = LogOptions.ForClient();

    public void AddTo(Command command)
    {
        Tls.AddTo(command);
        command.Options.Add(Registry);
        command.Options.Add(Policy);
        command.Options.Add(Deadline);
        command.Options.Add(AttemptTimeout);
        Token.AddTo(command);
        Log.AddTo(command);
    }

    public RoundaboutClientOptions Build(ParseResult result, bool watch = false)
    {
        var deadline = result.GetValue(Deadline);
        var attemptTimeout = result.GetValue(AttemptTimeout);
        return new RoundaboutClientOptions
        {
            Registries = EndpointAddress.ParseList(result.GetValue(Registry)),
            Policy = result.GetValue(Policy) ?? BalancingPolicy.RoundRobin,
            Deadline = deadline ?? TimeSpan.FromSeconds(5),
            AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(2),
            Watch = watch,
            Tls = Tls.BuildClient(result),
            Token = Token.Read(result),
        };
    }

    /// <summary>Client logs go to stderr (or <paramref name="output"/>), so stdout carries only the menu or the result (and stays valid JSON).</summary>
    public static ILoggerFactory CreateLoggerFactory(LogSettings settings, TextWriter? output = null) =>
        new ClientLoggerFactory(settings, output ?? Console.Error, TimeProvider.System);

    /// <summary>
    /// --policy, parsed where it enters. No default value in the parser (the help would print the
    /// enum's name): the description says it.
    /// </summary>
    public static Option<BalancingPolicy?> PolicyOption() => new("--policy")
    {
        Description = "How calls are spread over the servers: round-robin (also rr; the exercise's, the default), p2c " +
            "(power of two choices: the less busy of two random servers) or ewma (peak EWMA: the cheaper of two random servers, " +
            "cost = latency average x (calls in flight + 1); a server far slower than its peers is skipped for a while).",
        HelpName = "round-robin|rr|p2c|ewma",
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
            var policy = ParsePolicy(text);
            if (policy is null)
            {
                r.AddError($"--policy takes round-robin (or rr), p2c or ewma; got '{text}'.");
            }

            return policy;
        },
    };

    public static BalancingPolicy? ParsePolicy(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "round-robin" or "round_robin" or "roundrobin" or "rr" => BalancingPolicy.RoundRobin,
        "p2c" or "power-of-two-choices" => BalancingPolicy.PowerOfTwoChoices,
        "ewma" or "peak-ewma" => BalancingPolicy.PeakEwma,
        _ => null,
    };

    /// <summary>The policy as the option spells it: round-robin, p2c or ewma.</summary>
    public static string PolicyName(BalancingPolicy policy) => policy switch
    {
        BalancingPolicy.PowerOfTwoChoices => "p2c",
        BalancingPolicy.PeakEwma => "ewma",
        _ => "round-robin",
    };
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.CompilerServices;

namespace Roundabout.Cli.Commands;

/// <summary>
/// A shared token and the file it may come from instead (--token and --token-file;
/// --database-token and --database-token-file). The file holds the token alone (a final newline is
/// ignored) and is read while the command line is parsed, so a bad one is an option error. A token
/// typed on the command line works, with a warning: every user of the machine sees it in ps.
/// </summary>
internal sealed class TokenOptions
{
    private static readonly ConditionalWeakTable<Option, TokenOptions> _typedWarnings = new();

    private TokenOptions(Option<string?> token, Option<string?> file)
    {
        Token = token;
        File = file;
        OptionConflicts.Exclusive(token, file);
        _typedWarnings.AddOrUpdate(token, this);
    }

    public Option<string?> Token { get; }

    public Option<string?> File { get; }

    /// <summary>The registry's token (--token), which a server also guards its own writes (reset) with.</summary>
    public static TokenOptions Registry(string description) => Create("--token", description, variable: null);

    /// <summary>The database's token as its clients pass it (--database-token).</summary>
    public static TokenOptions DatabaseClient(string description) => Create("--database-token", description, variable: null);

    /// <summary>
    /// The database's own --token: it reads ROUNDABOUT_DATABASE_TOKEN (and its file
    /// ROUNDABOUT_DATABASE_TOKEN_FILE), the variables of the servers' --database-token.
    /// </summary>
    public static TokenOptions DatabaseServer(string description) => Create("--token", description, DatabaseCommand.TokenEnvironmentVariable);

    public void AddTo(Command command)
    {
        command.Options.Add(Token);
        command.Options.Add(File);
        command.Validators.Add(r =>
        {
            if (r.GetResult(Token) is { Implicit: false } && r.GetResult(File) is { Implicit: false })
            {
                r.AddError($"Give either {Token.Name} or {File.Name}, not both: {File.Name} is the safer one.");
            }
        });
    }

    /// <summary>The token, from the option or its file; null when neither is given (or the token is empty).</summary>
    public string? Read(ParseResult parse) =>
        parse.GetValue(File) is { } path ? ReadFile(path, out _) : parse.GetValue(Token) is { Length: > 0 } token ? token : null;

    /// <summary>
    /// One warning per token typed on the command line of <paramref name="parse"/> (a token from
    /// the environment or a file is not seen by ps, and gets none).
    /// </summary>
    public static IReadOnlyList<string> TypedWarnings(EnvironmentParse parse)
    {
        var warnings = new List<string>();
        foreach (var option in EnvironmentOptions.Eligible(parse.Result.CommandResult.Command))
        {
            if (_typedWarnings.TryGetValue(option, out var tokens)
                && parse.Result.GetResult(option) is { Implicit: false }
                && !parse.Sources.ContainsKey(option))
            {
                warnings.Add(
                    $"Warning: a token given as {option.Name} on the command line is visible to every user of this machine (in ps); " +
                    $"put it in a file only you can read and pass {tokens.File.Name} FILE, or set {EnvironmentOptions.VariableFor(option)}.");
            }
        }

        return warnings;
    }

    private static TokenOptions Create(string name, string description, string? variable)
    {
        var token = new Option<string?>(name)
        {
            Description = $"{description} Prefer {name}-file or the environment: a token on the command line shows in ps. Default: none.",
        };
        var file = new Option<string?>($"{name}-file")
        {
            Description = $"Read {name} from this file (the token alone; a final newline is ignored), so it never shows in ps. Keep the file readable by you alone (chmod 600).",
            Validators = { r => { if (r.GetValueOrDefault<string?>() is { } path && ReadFile(path, out var error) is null) { r.AddError($"{name}-file: {error}"); } } },
        };
        if (variable is not null)
        {
            token.ReadFrom(variable);
            file.ReadFrom(variable + "_FILE");
        }

        return new TokenOptions(token, file);
    }

    private static string? ReadFile(string path, out string? error)
    {
        try
        {
            var token = System.IO.File.ReadAllText(path).TrimEnd('\r', '\n');
            error = token.Length == 0 ? $"'{path}' is empty; write the token in it, alone on one line." : null;
            return error is null ? token : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"cannot read '{path}' ({ex.Message}); give a file that holds the token alone, readable by this user.";
            return null;
        }
    }
}

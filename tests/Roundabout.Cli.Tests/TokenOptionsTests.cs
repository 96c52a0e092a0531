using Roundabout.Cli.Commands;

namespace Roundabout.Cli.Tests;

/// <summary>Tokens come from a file or the environment; one typed on the command line works, with a warning that ps shows it.</summary>
[Trait(Tier.Name, Tier.Unit)]
public sealed class TokenOptionsTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "roundabout-token-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => File.Delete(_file);

    [Theory]
    [InlineData("server", "--token-file", "--token")]
    [InlineData("server", "--database-token-file", "--database-token")]
    [InlineData("registry", "--token-file", "--token")]
    [InlineData("database", "--token-file", "--token")]
    [InlineData("dashboard", "--database-token-file", "--database-token")]
    [InlineData("reset", "--token-file", "--token")]
    public void TokenFile_GivesTheTokenWithoutItsNewline_AndNoWarning(string command, string fileOption, string tokenOption)
    {
        File.WriteAllText(_file, "s3cret\n");

        var parse = Parse([], command, fileOption, _file);

        Assert.False(parse.IsError, string.Join("; ", parse.Result.Errors.Select(e => e.Message)));
        Assert.Equal(_file, parse.Result.GetValue<string?>(fileOption));
        Assert.Null(parse.Result.GetValue<string?>(tokenOption));
        Assert.Empty(TokenOptions.TypedWarnings(parse));
    }

    [Theory]
    [InlineData("server", "--token")]
    [InlineData("server", "--database-token")]
    [InlineData("registry", "--token")]
    [InlineData("database", "--token")]
    [InlineData("dashboard", "--database-token")]
    [InlineData("reset", "--token")]
    public void TokenTypedOnTheCommandLine_Works_WithAWarningThatPsShowsIt(string command, string tokenOption)
    {
        var parse = Parse([], command, tokenOption, "s3cret");

        var warning = Assert.Single(TokenOptions.TypedWarnings(parse));

        Assert.False(parse.IsError);
        Assert.Equal("s3cret", parse.Result.GetValue<string?>(tokenOption));
        Assert.Contains($"{tokenOption} on the command line is visible to every user of this machine (in ps)", warning, StringComparison.Ordinal);
        Assert.Contains($"{tokenOption}-file FILE", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("server", "ROUNDABOUT_TOKEN")]
    [InlineData("database", "ROUNDABOUT_DATABASE_TOKEN")]
    [InlineData("dashboard", "ROUNDABOUT_DATABASE_TOKEN")]
    public void TokenFromTheEnvironment_GetsNoWarning(string command, string variable)
    {
        var parse = Parse(new() { [variable] = "s3cret" }, command);

        Assert.False(parse.IsError);
        Assert.Empty(TokenOptions.TypedWarnings(parse));
    }

    [Theory]
    [InlineData("server", "ROUNDABOUT_DATABASE_TOKEN_FILE", "--database-token-file")]
    [InlineData("database", "ROUNDABOUT_DATABASE_TOKEN_FILE", "--token-file")]
    [InlineData("registry", "ROUNDABOUT_TOKEN_FILE", "--token-file")]
    public void TokenFileFromTheEnvironment_IsRead(string command, string variable, string fileOption)
    {
        File.WriteAllText(_file, "s3cret");

        var parse = Parse(new() { [variable] = _file }, command);

        Assert.False(parse.IsError, string.Join("; ", parse.Result.Errors.Select(e => e.Message)));
        Assert.Equal(_file, parse.Result.GetValue<string?>(fileOption));
    }

    [Fact]
    public void MissingOrEmptyTokenFile_IsAnOptionErrorNamingTheFile()
    {
        var missing = Parse([], "server", "--token-file", _file);
        File.WriteAllText(_file, "\n");
        var empty = Parse([], "server", "--token-file", _file);

        Assert.True(missing.IsError);
        Assert.Contains(missing.Result.Errors, e => e.Message.StartsWith("--token-file: cannot read '" + _file + "'", StringComparison.Ordinal));
        Assert.True(empty.IsError);
        Assert.Contains(empty.Result.Errors, e => e.Message == $"--token-file: '{_file}' is empty; write the token in it, alone on one line.");
    }

    [Fact]
    public void TokenAndTokenFileTogether_AreRefused()
    {
        File.WriteAllText(_file, "s3cret");

        var parse = Parse([], "server", "--token", "x", "--token-file", _file);

        Assert.True(parse.IsError);
        Assert.Contains(parse.Result.Errors, e => e.Message.StartsWith("Give either --token or --token-file, not both", StringComparison.Ordinal));
    }

    private static EnvironmentParse Parse(Dictionary<string, string> environment, params string[] args) =>
        EnvironmentOptions.Parse(RootCommandFactory.Create(TimeProvider.System), args, name => environment.GetValueOrDefault(name));
}

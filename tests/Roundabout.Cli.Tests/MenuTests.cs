using Roundabout.Cli.Menu;
using Roundabout.Testing.Fakes;

namespace Roundabout.Cli.Tests;

[Trait(Tier.Name, Tier.Host)]
public sealed class MenuTests
{
    private static readonly string[] _menu =
    [
        "--- Client MENU ---",
        "1. Execute Stateless Sum (A + B)",
        "2. Execute Stateful Multiplication (GlobalAccumulator * Factor)",
        "3. Exit",
        "4. Refresh server list",
    ];

    private const string Prompt = "[Client] Select an option: ";

    [Fact]
    public async Task Menu_Sum_ShowsTheExactMenuThenTheResultAndTheServer()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        var server = cluster.Servers[0].Address;

        var (code, lines) = await RunAsync(cluster, "1", "2", "3", "3");

        Assert.Equal(0, code);
        string[] expected =
        [
            $"[Client] Found 1 server(s) in the registry: {server}",
            .. _menu,
            Prompt + "Enter A: Enter B: " + $"[Client] Result: 5 (computed by server {server})",
            .. _menu,
            Prompt + "[Client] Exiting.",
        ];
        Assert.Equal(expected, lines);
    }

    [Fact]
    public async Task Menu_Multiply_UpdatesTheGlobalAccumulator()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);
        var server = cluster.Servers[0].Address;

        var (code, lines) = await RunAsync(cluster, "2", "6", "2", "7");

        Assert.Equal(0, code);
        Assert.Contains($"Enter Factor: [Client] GlobalAccumulator is now 6 (computed by server {server})", lines.Select(Unprompt));
        Assert.Contains($"Enter Factor: [Client] GlobalAccumulator is now 42 (computed by server {server})", lines.Select(Unprompt));
        Assert.Equal(42, (int)cluster.Accumulators.Get("global"));
    }

    [Theory]
    [InlineData(new[] { "x" }, "[Client] Invalid input: 'x' is not an option: type 1, 2, 3 or 4, then Enter.")]
    [InlineData(new[] { "" }, "[Client] Invalid input: No option entered: type 1, 2, 3 or 4, then Enter.")]
    [InlineData(new[] { "9" }, "[Client] Invalid input: '9' is not an option: type 1, 2, 3 or 4, then Enter.")]
    [InlineData(new[] { "1", "abc" }, "Enter A: [Client] Invalid input: A: 'abc' is not a whole number; use digits only, for example 42 or -7.")]
    [InlineData(new[] { "1", "" }, "Enter A: [Client] Invalid input: A: a number is required, for example 42.")]
    [InlineData(new[] { "1", "2", "two" }, "Enter A: Enter B: [Client] Invalid input: B: 'two' is not a whole number; use digits only, for example 42 or -7.")]
    [InlineData(new[] { "2", "1.5" }, "Enter Factor: [Client] Invalid input: The factor: '1.5' is not a whole number; use digits only, for example 42 or -7.")]
    [InlineData(new[] { "2", "" }, "Enter Factor: [Client] Invalid input: The factor: a number is required, for example 42.")]
    public async Task Menu_BadInputAtAnyPrompt_GivesAClearMessageAndTheMenuAgain(string[] input, string message)
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);

        var (code, lines) = await RunAsync(cluster, input);

        Assert.Equal(0, code);
        var index = Array.IndexOf(lines.Select(Unprompt).ToArray(), message);
        Assert.True(index > 0, $"'{message}' not in:\n{string.Join('\n', lines)}");
        Assert.Equal(_menu[0], lines[index + 1]);
        Assert.Equal(0, cluster.Servers[0].Calculator.Served);
    }

    [Fact]
    public async Task Menu_ANumberTooLarge_IsRefusedWithTheCap()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);

        var (_, lines) = await RunAsync(cluster, "1", new string('9', 1300));

        var index = Array.FindIndex(lines, l => l.Contains("[Client] Invalid input: A: the number has more than 1240 characters", StringComparison.Ordinal));
        Assert.True(index > 0);
        Assert.Equal(_menu[0], lines[index + 1]);
    }

    [Theory]
    [InlineData]
    [InlineData("1")]
    [InlineData("1", "2")]
    [InlineData("2")]
    public async Task Menu_EndOfInputAtAnyPrompt_ExitsLikeOption3WithZero(params string[] input)
    {
        await using var cluster = await TestCluster.StartAsync(servers: 1);

        var (code, lines) = await RunAsync(cluster, input);

        Assert.Equal(0, code);
        Assert.Equal("[Client] Exiting.", lines[^1]);
        Assert.EndsWith(":", lines[^2].TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Menu_Refresh_FetchesTheListAgainAndShowsIt()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 0);
        await using var output = new StringWriter();
        var client = cluster.CreateClient();
        var menu = new ClientMenu(client, new BlockingLines(async lines =>
        {
            // The registry is empty at start; a server joins before the user asks for a refresh.
            await lines.WaitForReadAsync(1);
            var server = await cluster.StartServerAsync();
            lines.Add("4");
            lines.Add("1");
            lines.Add("20");
            lines.Add("22");
            lines.Complete();
        }), output);

        var code = await menu.RunAsync().DefaultTimeout();

        var text = output.ToString();
        Assert.Equal(0, code);
        Assert.Contains("[Client] Warning: the registry lists no calculation servers yet. Start one with 'roundabout server --port 9001', then choose 4 to refresh the list.", text, StringComparison.Ordinal);
        Assert.Contains($"[Client] Refreshed: found 1 server(s) in the registry: {cluster.Servers[0].Address}", text, StringComparison.Ordinal);
        Assert.Contains($"[Client] Result: 42 (computed by server {cluster.Servers[0].Address})", text, StringComparison.Ordinal);
        Assert.Equal(2, cluster.Registry.ListCalls);
    }

    [Fact]
    public async Task Menu_EmptyRegistry_ChoosingSumSaysWhatToDoAndKeepsTheMenu()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 0);

        var (code, lines) = await RunAsync(cluster, "1", "2", "3", "3");

        Assert.Equal(0, code);
        Assert.Contains(lines, l => l.Contains("[Client] Error: The registry at", StringComparison.Ordinal) && l.Contains("lists no 'calculator' servers", StringComparison.Ordinal));
        Assert.EndsWith("[Client] Exiting.", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Menu_NoRegistry_ExitsWithOneAndAClearMessage()
    {
        await using var cluster = await TestCluster.StartAsync(servers: 0);
        await using var output = new StringWriter();
        var client = cluster.CreateClient(o => o.Registries = [Contracts.EndpointAddress.Parse("127.0.0.1:1")]);

        var code = await new ClientMenu(client, new StringReader("1\n"), output).RunAsync().DefaultTimeout();

        Assert.Equal(1, code);
        Assert.StartsWith("[Client] Error: Cannot reach the registry at 127.0.0.1:1", output.ToString(), StringComparison.Ordinal);
    }

    private static async Task<(int Code, string[] Lines)> RunAsync(TestCluster cluster, params string[] input)
    {
        await using var output = new StringWriter();
        var client = cluster.CreateClient();
        var reader = new StringReader(string.Join('\n', input) + (input.Length > 0 ? "\n" : string.Empty));
        var code = await new ClientMenu(client, reader, output).RunAsync().DefaultTimeout();
        return (code, output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    private static string Unprompt(string line) => line.StartsWith(Prompt, StringComparison.Ordinal) ? line[Prompt.Length..] : line;
}

using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using Roundabout.Hosting;

namespace Roundabout.Hosting.Tests;

[Trait(Tier.Name, Tier.Unit)]
public sealed class LogFormatTests
{
    private static readonly DateTimeOffset _time = new(2026, 11, 26, 6, 59, 11, TimeSpan.Zero);

    [Fact]
    public void FormatLine_MessageWithControlCharacters_StaysOneLineWithThemEscaped()
    {
        var line = ExerciseLogFormatter.FormatLine(_time, "Server", LogLevel.Information, "a: '1\n2026/11/26 [Server] FAKE\0\r\t\u2028'", new InvalidOperationException("x\ny"));

        Assert.Equal("2026/11/26 06:59:11 [Server] a: '1\\n2026/11/26 [Server] FAKE\\u0000\\r\\t\\u2028' (InvalidOperationException: x\\ny)", line);
    }

    [Theory]
    [InlineData("plain text, digits 123 and é", "plain text, digits 123 and é")]
    [InlineData("\u001b[31mred", "\\u001b[31mred")]
    [InlineData("\u0085\u007f", "\\u0085\\u007f")]
    public void Escape_ShowsOnlyUnprintableCharactersEscaped(string text, string expected) =>
        Assert.Equal(expected, PrintableText.Escape(text));
}

using System.Text.Json;
using Microsoft.Extensions.Logging;
using Roundabout.Hosting;

namespace Roundabout.Cli.Launch;

/// <summary>
/// How <c>up --log-format json</c> passes on a child's line: still one JSON object per line, with
/// a "Process" field that names the child (two servers are both component "server"). A line that
/// is not a JSON object (a crash message from the runtime) is wrapped in one, so the output stays
/// JSON throughout.
/// </summary>
internal static class ChildJsonLine
{
    public static string Tag(string process, string line, TimeProvider time)
    {
        var field = $"\"Process\":\"{JsonEncodedText.Encode(process)}\"";
        var trimmed = line.Trim();
        if (trimmed.Length > 2 && trimmed[0] == '{' && trimmed[^1] == '}')
        {
            return "{" + field + "," + trimmed[1..];
        }

        var component = process.Split('-')[0];
        var wrapped = JsonLogLine.Format(time.GetUtcNow(), component, typeof(ChildJsonLine).FullName!, LogLevel.Information, default, line, exception: null, state: null);
        return "{" + field + "," + wrapped[1..];
    }
}

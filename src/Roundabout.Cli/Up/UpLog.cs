using Microsoft.Extensions.Logging;
using Roundabout.Cli.Commands;
using Roundabout.Hosting;

namespace Roundabout.Cli.Up;

/// <summary>What <c>up</c> itself says, in its log format and at its level, among its children's lines.</summary>
internal sealed class UpLog(TextWriter output, LogSettings log, TimeProvider time)
{
    public void Say(string message, LogLevel level = LogLevel.Information)
    {
        if (level < log.Minimum)
        {
            return;
        }

        // Up's JSON lines say "up"; its text lines read like the exercise's, from "Roundabout".
        var component = log.Format == LogFormat.Json ? "up" : "Roundabout";
        output.WriteLine(CliLogLine.Format(time, log.Format, component, typeof(UpSupervisor).FullName!, level, message));
    }
}

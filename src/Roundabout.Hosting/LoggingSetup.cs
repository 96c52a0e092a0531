using Microsoft.Extensions.Logging;

namespace Roundabout.Hosting;

public static class LoggingSetup
{
    /// <summary>
    /// Console logging in the exercise's format. Framework chatter is kept to warnings so the
    /// output reads like the exercise's.
    /// </summary>
    public static ILoggingBuilder AddExerciseConsole(this ILoggingBuilder logging, string defaultTag, LogLevel minimum = LogLevel.Information)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(minimum);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Grpc", LogLevel.Warning);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddConsole(o => o.FormatterName = ExerciseLogFormatter.FormatterName);
        logging.AddConsoleFormatter<ExerciseLogFormatter, ExerciseLogFormatterOptions>(o => o.DefaultTag = defaultTag);
        return logging;
    }
}

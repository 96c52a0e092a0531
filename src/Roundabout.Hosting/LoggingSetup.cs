using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Roundabout.Hosting;

public static class LoggingSetup
{
    /// <summary>
    /// Console logging in the exercise's format, or one JSON object per line. Framework chatter
    /// is kept to warnings so the output reads like the exercise's, unless the level asks for
    /// debug or trace.
    /// </summary>
    public static ILoggingBuilder AddExerciseConsole(this ILoggingBuilder logging, string defaultTag, LogSettings? settings = null)
    {
        settings ??= new LogSettings();
        logging.ClearProviders();
        logging.SetMinimumLevel(settings.Minimum);
        logging.AddFilter("Microsoft", settings.FrameworkMinimum(LogLevel.Warning));
        logging.AddFilter("Grpc", settings.FrameworkMinimum(LogLevel.Warning));
        logging.AddFilter("System.Net.Http", settings.FrameworkMinimum(LogLevel.Warning));
        logging.AddConsole(o => o.FormatterName = settings.Format == LogFormat.Json ? JsonLogFormatter.FormatterName : ExerciseLogFormatter.FormatterName);
        // AddConsoleFormatter<,> would also bind the options to configuration, by reflection; the
        // formatters' options come only from code, so they are registered directly (ahead-of-time safe).
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, ExerciseLogFormatter>());
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, JsonLogFormatter>());
        logging.Services.Configure<ExerciseLogFormatterOptions>(o => o.DefaultTag = defaultTag);
        return logging;
    }

    /// <summary>The exercise's text format at <paramref name="minimum"/>.</summary>
    public static ILoggingBuilder AddExerciseConsole(this ILoggingBuilder logging, string defaultTag, LogLevel minimum) =>
        logging.AddExerciseConsole(defaultTag, new LogSettings(LogFormat.Text, minimum));
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

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
        // AddConsoleFormatter<,> would also bind the options to configuration, by reflection; the
        // formatter's options come only from code, so it is registered directly (ahead-of-time safe).
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, ExerciseLogFormatter>());
        logging.Services.Configure<ExerciseLogFormatterOptions>(o => o.DefaultTag = defaultTag);
        return logging;
    }
}

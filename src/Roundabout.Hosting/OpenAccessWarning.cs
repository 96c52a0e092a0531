using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Roundabout.Hosting;

/// <summary>Warns at start when a component listens beyond loopback and nothing guards its calls.</summary>
internal sealed class OpenAccessWarning(GrpcHostOptions options, ILoggerFactory loggerFactory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Log.OpenAccess(loggerFactory.CreateLogger("Roundabout.Hosting"), options.Listen, options.Port, options.Component.ToLowerInvariant(), options.OpenAccessAdvice);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

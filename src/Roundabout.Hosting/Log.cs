using System.Net;
using Microsoft.Extensions.Logging;

namespace Roundabout.Hosting;

/// <summary>The shared host's own log messages, with stable event ids (9100 to 9199 of the host's range, <see cref="Contracts.LogEventIds"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 9101, Level = LogLevel.Warning, Message = "Listening on {Listen}, beyond loopback, and anyone who can reach port {Port} may call this {Component}: {Advice}")]
    public static partial void OpenAccess(ILogger logger, IPAddress listen, int port, string component, string advice);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning, Message = "Refused a TLS connection: its client certificate '{Subject}' is not signed by a CA of --tls-client-ca")]
    public static partial void ClientCertificateRefused(ILogger logger, string subject);
}

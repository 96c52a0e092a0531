using System.Net;
using Microsoft.Extensions.Logging;
using Roundabout.Contracts;
using StackExchange.Redis;

namespace Roundabout.Server.Accumulators;

/// <summary>
/// One multiplexed connection to Redis, opened on first use and kept for the process's life.
/// It does not abort when Redis is down at start: it keeps reconnecting in the background, and
/// calls made meanwhile fail within the call deadline with a <see cref="StoreFailureException"/>.
/// </summary>
internal sealed class RedisConnection(IReadOnlyList<EndpointAddress> endpoints, TimeSpan callDeadline, ILogger<RedisConnection> logger, TimeProvider? time = null)
    : IAsyncDisposable
{
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly RepeatedFailure _outage = new(time ?? TimeProvider.System);
    private ConnectionMultiplexer? _multiplexer;
    private readonly Lock _connectedLock = new();
    private Action<IConnectionMultiplexer>? _onConnected;

    /// <summary>The Redis these accumulators live in, as errors name it.</summary>
    public StoreAddress Store { get; } = StoreAddress.Redis(endpoints);

    /// <summary>
    /// Hands the connection to <paramref name="onConnected"/> once it exists (at once if it already
    /// does): the tracer attaches its Redis instrumentation this way, without forcing a connection.
    /// </summary>
    public void WhenConnected(Action<IConnectionMultiplexer> onConnected)
    {
        lock (_connectedLock)
        {
            _onConnected += onConnected;
            if (_multiplexer is { } connected)
            {
                onConnected(connected);
            }
        }
    }

    public async Task<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _multiplexer) is { } ready)
        {
            return ready.GetDatabase();
        }

        await _connectGate.WaitAsync(cancellationToken);
        try
        {
            if (_multiplexer is null)
            {
                var multiplexer = await ConnectionMultiplexer.ConnectAsync(Configuration()).WaitAsync(cancellationToken);
                multiplexer.ConnectionFailed += (_, e) => OnFailed(e);
                multiplexer.ConnectionRestored += (_, e) => OnRestored(e);
                lock (_connectedLock)
                {
                    Volatile.Write(ref _multiplexer, multiplexer);
                    _onConnected?.Invoke(multiplexer);
                }
            }

            return _multiplexer.GetDatabase();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw Unavailable(ex);
        }
        finally
        {
            _connectGate.Release();
        }
    }

    /// <summary>Redis could not be reached or did not answer in time: a write in flight may or may not have been applied.</summary>
    public StoreFailureException Unavailable(Exception ex) =>
        new(Store, StoreFailureKind.Unavailable, $"is unreachable ({ex.Message})", cause: ex.Message, inner: ex);

    // Each endpoint has two connections (commands and pub/sub) that fail and come back together: one line is enough.
    private void OnFailed(ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive)
        {
            return;
        }

        var report = _outage.Fail();
        if (report.Log == FailureLog.First)
        {
            Log.RedisConnectionFailed(logger, Text(e.EndPoint), e.FailureType.ToString());
        }
        else if (report.Log == FailureLog.Summary)
        {
            Log.RedisStillUnreachable(logger, Text(e.EndPoint), HumanDuration.Format(report.For), report.Attempts, e.FailureType.ToString());
        }
    }

    private void OnRestored(ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive && _outage.Succeed() is { } ended)
        {
            Log.RedisConnectionRestored(logger, Text(e.EndPoint), HumanDuration.Format(ended.For));
        }
    }

    /// <summary>host:port, as the user wrote it (a DnsEndPoint prints as "Unspecified/host:port").</summary>
    private string Text(EndPoint? endpoint) => endpoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        IPEndPoint ip => ip.ToString(),
        null => string.Join(',', endpoints),
        var other => other.ToString() ?? string.Join(',', endpoints),
    };

    private ConfigurationOptions Configuration()
    {
        var deadline = (int)Math.Clamp(callDeadline.TotalMilliseconds, 1, int.MaxValue);
        var configuration = new ConfigurationOptions
        {
            // Start even when Redis is down, and reconnect on our own: a server must not die with its store.
            AbortOnConnectFail = false,
            ConnectTimeout = deadline,
            AsyncTimeout = deadline,
            SyncTimeout = deadline,
            ClientName = "roundabout-server",
        };
        foreach (var endpoint in endpoints)
        {
            configuration.EndPoints.Add(endpoint.Host, endpoint.Port);
        }

        return configuration;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _multiplexer, null) is { } multiplexer)
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: true);
            await multiplexer.DisposeAsync();
        }

        _connectGate.Dispose();
    }
}

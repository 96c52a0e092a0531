using Grpc.Core;

namespace Roundabout.Client;

public sealed partial class RoundaboutClient
{
    private static readonly TimeSpan _maxWait = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// One logical call within <see cref="RoundaboutClientOptions.Deadline"/>. The channel's retry
    /// policy already re-sends a call that a server refused (Unavailable). This loop adds what the
    /// service-config retry cannot do: a per-attempt timeout, so a hung server costs one attempt and
    /// not the whole deadline (gRPC's retry policy never retries DeadlineExceeded, because the
    /// deadline covers all attempts); retrying a connection that broke after the call was committed;
    /// and fetching the list again when every cached server is down.
    /// </summary>
    private async Task<TReply> InvokeAsync<TReply>(string operation, Func<CallOptions, AsyncUnaryCall<TReply>> send, CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken);
        if (_directory.Current.Count == 0)
        {
            await _directory.RefreshAfterFailuresAsync("the cached server list is empty", cancellationToken);
            if (_directory.Current.Count == 0)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, _directory.EmptyListMessage));
            }
        }

        var started = _time.GetTimestamp();
        var attempts = 0;
        var tries = 0;
        RpcException? last = null;
        while (true)
        {
            var remaining = _options.Deadline - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero || attempts >= _options.MaxAttempts)
            {
                break;
            }

            var stateBefore = _channel.State;
            var attemptTimeout = remaining < _options.AttemptTimeout ? remaining : _options.AttemptTimeout;
            tries++;
            try
            {
                return await send(new CallOptions(deadline: DateTime.UtcNow + attemptTimeout, cancellationToken: cancellationToken));
            }
            catch (RpcException ex) when (IsRetryable(ex) && !cancellationToken.IsCancellationRequested)
            {
                last = ex;
                Log.AttemptFailed(_logger, operation, tries, ex.StatusCode, ex.Status.Detail);
            }

            if (stateBefore == ConnectivityState.Ready && !_health.AllFailing(_directory.Current))
            {
                // A server was tried and others remain: this spends the retry budget.
                attempts++;
                continue;
            }

            // Every cached server failed its last call, or none is connected: fetch the list
            // again (rate-limited), then wait briefly for a connection. Bounded by the deadline.
            await _directory.RefreshAfterFailuresAsync($"every cached server failed ({last?.StatusCode})", cancellationToken);
            await WaitForChannelAsync(stateBefore, remaining < _maxWait ? remaining : _maxWait, cancellationToken);
        }

        throw Exhausted(operation, last, tries);
    }

    private async Task WaitForChannelAsync(ConnectivityState from, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            await _channel.WaitForStateChangedAsync(from, wait.Token);
            if (_channel.State != ConnectivityState.Ready)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(25), _time, wait.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    private RpcException Exhausted(string operation, RpcException? last, int tries)
    {
        var code = last?.StatusCode == StatusCode.DeadlineExceeded ? StatusCode.DeadlineExceeded : StatusCode.Unavailable;
        var servers = Discovery.ServerDirectory.Describe(_directory.Current);
        return new RpcException(new Status(
            code,
            $"No server answered {operation} within {_options.Deadline.TotalSeconds:0.###} s ({tries} attempts on {servers}); " +
            $"last error: {last?.StatusCode}: {last?.Status.Detail}. " +
            "Check that servers are running ('roundabout servers'), then refresh the server list."));
    }

    /// <summary>
    /// Failures that say nothing was computed, or that the server is gone: safe to send again,
    /// Sum being stateless and Multiply deduplicated by its request id.
    /// </summary>
    internal static bool IsRetryable(RpcException ex) => ex.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => true,
        // A connection that broke mid-call surfaces as Internal or Cancelled with a local transport error.
        StatusCode.Internal or StatusCode.Cancelled or StatusCode.Unknown =>
            ex.Status.DebugException is HttpRequestException or IOException or System.Net.Sockets.SocketException,
        _ => false,
    };
}

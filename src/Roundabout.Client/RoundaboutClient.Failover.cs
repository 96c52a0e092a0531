using System.Diagnostics;
using Grpc.Core;
using Roundabout.Client.Telemetry;
using Roundabout.Contracts;

namespace Roundabout.Client;

public sealed partial class RoundaboutClient
{
    private static readonly TimeSpan _maxWait = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// One logical call. Unobserved (no tracer, no metrics reader), it is the bare failover loop:
    /// no extra state machine, no clock read, no activity.
    /// </summary>
    private Task<TReply> InvokeAsync<TReply>(string operation, Func<CallOptions, AsyncUnaryCall<TReply>> send, CancellationToken cancellationToken, bool retryStoreFaults = true) =>
        _metrics.CallsObserved || ClientTelemetry.Source.HasListeners()
            ? InvokeObservedAsync(operation, send, retryStoreFaults, cancellationToken)
            : InvokeCoreAsync(operation, send, retryStoreFaults, cancellationToken);

    /// <summary>The call in a span of its own (every attempt's gRPC span beneath it), timed by method and final status.</summary>
    private async Task<TReply> InvokeObservedAsync<TReply>(string operation, Func<CallOptions, AsyncUnaryCall<TReply>> send, bool retryStoreFaults, CancellationToken cancellationToken)
    {
        using var activity = ClientTelemetry.Source.StartActivity("RoundaboutClient." + operation);
        activity?.SetTag("rpc.method", operation);
        var started = _time.GetTimestamp();
        try
        {
            var reply = await InvokeCoreAsync(operation, send, retryStoreFaults, cancellationToken);
            _metrics.CallEnded(operation, StatusCode.OK, _time.GetElapsedTime(started));
            return reply;
        }
        catch (RpcException ex)
        {
            _metrics.CallEnded(operation, ex.StatusCode, _time.GetElapsedTime(started));
            activity?.SetTag("rpc.grpc.status_code", (int)ex.StatusCode);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Status.Detail);
            throw;
        }
    }

    /// <summary>
    /// One logical call within <see cref="RoundaboutClientOptions.Deadline"/>. This loop is the only
    /// retry layer (the channel has no retry policy): it owns the attempts, the per-attempt timeout
    /// (so a hung server costs one attempt and not the whole deadline), the move to another server
    /// and the list refresh when every cached server is down. An attempt that reached a server (it
    /// answered with an error, or did not answer in time) spends the budget: one attempt per cached
    /// server, or <see cref="RoundaboutClientOptions.MaxAttempts"/> when set. A call that found no
    /// server connected spends only time, bounded by the deadline. A server that answered that its
    /// shared store failed is not at fault: such a call is retried (when
    /// <paramref name="retryStoreFaults"/>: the call is safe to repeat) after a backoff with jitter,
    /// on whichever server the balancer picks next, while the deadline lasts, up to
    /// <see cref="Retries.RetryBudgetOptions.MaxPerCall"/> times, and only while the session's
    /// <see cref="RetryBudget"/> allows, so retries stay a bounded share of calls.
    /// </summary>
    private async Task<TReply> InvokeCoreAsync<TReply>(string operation, Func<CallOptions, AsyncUnaryCall<TReply>> send, bool retryStoreFaults, CancellationToken cancellationToken)
    {
        if (!_directory.HasFetched || (_options.Watch && Volatile.Read(ref _watching) == 0))
        {
            // Only the first call starts the session; later calls skip the awaits (and the Task they allocate).
            await StartAsync(cancellationToken);
        }

        if (_directory.Current.Count == 0)
        {
            await _directory.RefreshAfterFailuresAsync("the cached server list is empty", cancellationToken);
            if (_directory.Current.Count == 0)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, _directory.EmptyListMessage));
            }
        }

        // The first attempt takes the fast path: no clock reads beyond the deadline, no closure.
        _retryBudget.Deposit();
        var deadline = _options.Deadline;
        var attemptTimeout = _options.AttemptTimeout < deadline ? _options.AttemptTimeout : deadline;
        var started = _time.GetTimestamp();
        var stateBefore = _channel.State;
        try
        {
            return await send(new CallOptions(deadline: _time.GetUtcNow().UtcDateTime + attemptTimeout, cancellationToken: cancellationToken));
        }
        catch (RpcException ex) when (IsRetryable(ex) && !cancellationToken.IsCancellationRequested)
        {
            Log.AttemptFailed(_logger, operation, 1, ex.StatusCode, ex.Status.Detail);
            if (IsStoreFault(ex) && !retryStoreFaults)
            {
                throw StoreFailed(operation, ex, 0, _time.GetElapsedTime(started), "the call is not safe to repeat");
            }

            return await RetryAsync(operation, send, ex, stateBefore, started, retryStoreFaults, cancellationToken);
        }
    }

    private async Task<TReply> RetryAsync<TReply>(
        string operation,
        Func<CallOptions, AsyncUnaryCall<TReply>> send,
        RpcException first,
        ConnectivityState firstStateBefore,
        long started,
        bool retryStoreFaults,
        CancellationToken cancellationToken)
    {
        var budget = AttemptBudget(_directory.Current.Count);
        var last = first;
        var tries = 1;
        var attempts = 0;
        var storeRetries = 0;
        var stateBefore = firstStateBefore;
        while (true)
        {
            TimeSpan remaining;
            if (IsStoreFault(last))
            {
                // The server is fine; its store is not (restarting, paused, failing over). Wait, then
                // send again: the call's session sequence (or request id) keeps it exactly-once.
                var elapsed = _time.GetElapsedTime(started);
                var wait = StoreBackoff(storeRetries);
                var refusal = !retryStoreFaults ? "the call is not safe to repeat"
                    : storeRetries >= _options.RetryBudget.MaxPerCall ? $"that is the most retries one call makes ({_options.RetryBudget.MaxPerCall})"
                    : elapsed + wait >= _options.Deadline ? $"the deadline of {_options.Deadline.TotalSeconds:0.###} s is spent"
                    : !_retryBudget.TryWithdraw() ? "the session's retry budget is spent (too many calls failed lately; see docs/client.md)"
                    : null;
                if (refusal is not null)
                {
                    throw StoreFailed(operation, last, storeRetries, elapsed, refusal);
                }

                storeRetries++;
                _metrics.StoreRetry(operation);
                await Task.Delay(wait, _time, cancellationToken);
                remaining = _options.Deadline - _time.GetElapsedTime(started);
            }
            else
            {
                if (ReachedAServer(last, stateBefore))
                {
                    attempts++;
                }

                remaining = _options.Deadline - _time.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero || attempts >= budget)
                {
                    break;
                }

                if (!ReachedAServer(last, stateBefore) || _health.AllFailing(_directory.Current))
                {
                    // Every cached server failed its last call, or none is connected: fetch the list
                    // again (rate-limited), then wait briefly for a connection. Bounded by the deadline.
                    await _directory.RefreshAfterFailuresAsync(RefreshReason(last, stateBefore), cancellationToken);
                    await WaitForChannelAsync(stateBefore, remaining < _maxWait ? remaining : _maxWait, cancellationToken);
                    remaining = _options.Deadline - _time.GetElapsedTime(started);
                }
            }

            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            stateBefore = _channel.State;
            var attemptTimeout = remaining < _options.AttemptTimeout ? remaining : _options.AttemptTimeout;
            tries++;
            if (!IsStoreFault(last))
            {
                _metrics.Failover(operation);
            }

            try
            {
                return await send(new CallOptions(deadline: _time.GetUtcNow().UtcDateTime + attemptTimeout, cancellationToken: cancellationToken));
            }
            catch (RpcException ex) when (IsRetryable(ex) && !cancellationToken.IsCancellationRequested)
            {
                last = ex;
                Log.AttemptFailed(_logger, operation, tries, ex.StatusCode, ex.Status.Detail);
            }
        }

        throw Exhausted(operation, last, tries, attempts);
    }

    /// <summary>One attempt per cached server, or the configured maximum.</summary>
    internal int AttemptBudget(int cachedServers) => _options.MaxAttempts ?? Math.Max(1, cachedServers);

    /// <summary>
    /// True when the attempt may have reached a server: it was sent while the channel was connected
    /// (or about to connect) and did not fail in the transport (refused, reset). A call that
    /// found no server connected fails at the pick and spends only time.
    /// </summary>
    private static bool ReachedAServer(RpcException ex, ConnectivityState stateBefore) =>
        stateBefore is ConnectivityState.Ready or ConnectivityState.Idle && !IsTransportFailure(ex);

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

    private RpcException Exhausted(string operation, RpcException last, int tries, int attempts)
    {
        var servers = Discovery.ServerDirectory.Describe(_directory.Current);
        if (attempts > 0 && last.StatusCode != StatusCode.DeadlineExceeded && !IsTransportFailure(last))
        {
            // The servers answered: the fault is behind them (the database, say), not their absence.
            return new RpcException(new Status(
                last.StatusCode,
                $"{operation} failed on every server tried ({attempts} attempts on {servers}): {last.Status.Detail}"));
        }

        var code = last.StatusCode == StatusCode.DeadlineExceeded ? StatusCode.DeadlineExceeded : StatusCode.Unavailable;
        return new RpcException(new Status(
            code,
            $"No server answered {operation} within {_options.Deadline.TotalSeconds:0.###} s ({tries} attempts on {servers}); " +
            $"last error: {last.StatusCode}: {last.Status.Detail}. " +
            "Check that servers are running ('roundabout servers')."));
    }

    /// <summary>
    /// A server answered that its shared store failed (<see cref="FaultTrailers.Store"/>). Every
    /// server shares that store, so this says nothing against the server: the call is retried
    /// after a backoff while its deadline and the retry budget last, and its final error names the store.
    /// </summary>
    internal static bool IsStoreFault(RpcException ex) => ex.Trailers.GetValue(FaultTrailers.Store) is not null;

    /// <summary>The wait before store retry <paramref name="retry"/> (0 first): doubling from the first backoff up to the longest, the upper half of it at random ("equal jitter"), so callers that failed together spread out.</summary>
    private TimeSpan StoreBackoff(int retry)
    {
        var options = _options.RetryBudget;
        var ceiling = Math.Min(options.MaxBackoff.TotalMilliseconds, options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (_options.Random.NextDouble() * ceiling / 2));
    }

    private static RpcException StoreFailed(string operation, RpcException ex, int retries, TimeSpan elapsed, string reason)
    {
        var detail = ex.Status.Detail.TrimEnd();
        var stop = detail.EndsWith('.') ? " " : ". ";
        var tried = retries == 0
            ? $"It was not retried: {reason}."
            : $"It was retried {retries} time{(retries == 1 ? string.Empty : "s")} over {elapsed.TotalSeconds:0.0} s (on any server: they share this store) until {reason}.";
        return new RpcException(new Status(ex.StatusCode, $"{operation} failed: {detail}{stop}{tried}"), ex.Trailers);
    }

    /// <summary>
    /// Why the list is fetched again, said truly: what the last attempt met, and what the balancer
    /// knows of each cached server. "Every cached server failed" only when each one failed its
    /// last call (or is ejected), not when the others are merely not connected.
    /// </summary>
    private string RefreshReason(RpcException last, ConnectivityState stateBefore)
    {
        var servers = _directory.Current;
        var what = !ReachedAServer(last, stateBefore) ? $"an attempt could not connect to its server ({last.StatusCode})"
            : _health.EveryOneFailed(servers) ? $"every cached server failed its last call ({last.StatusCode})"
            : $"a call failed ({last.StatusCode}) and no other cached server is ready";
        return $"{what}: {_health.Describe(servers)}";
    }

    private static bool IsTransportFailure(RpcException ex) =>
        ex.Status.DebugException is HttpRequestException or IOException or System.Net.Sockets.SocketException;

    /// <summary>
    /// Failures that say nothing was computed, or that the server is gone: safe to send again,
    /// Sum being stateless and Multiply deduplicated by its request id.
    /// </summary>
    internal static bool IsRetryable(RpcException ex) => ex.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => true,
        // A connection that broke mid-call surfaces as Internal or Cancelled with a local transport error.
        StatusCode.Internal or StatusCode.Cancelled or StatusCode.Unknown => IsTransportFailure(ex),
        _ => false,
    };
}

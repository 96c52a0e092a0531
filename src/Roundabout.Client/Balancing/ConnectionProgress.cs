using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Roundabout.Client.Network;

namespace Roundabout.Client.Balancing;

/// <summary>
/// Which servers the channel can use now: those in the installed picker (connected), and those
/// whose connection failed. A fresh session waits until every cached server is one or the other
/// (or has a host name that does not resolve, and so is never dialled) before its first call, so
/// that round-robin is strict from that call on.
/// </summary>
internal sealed class ConnectionProgress
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
    private HashSet<string> _picked = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The channel installed a picker over these servers.</summary>
    public void PickerInstalled(IEnumerable<string> servers)
    {
        lock (_gate)
        {
            _picked = new HashSet<string>(servers, StringComparer.Ordinal);
            SignalLocked();
        }
    }

    /// <summary>A connection changed state; one that failed stays counted as failed until it is ready.</summary>
    public void StateChanged(string server, ConnectivityState state)
    {
        lock (_gate)
        {
            if (state == ConnectivityState.TransientFailure)
            {
                _failed.Add(server);
            }
            else if (state == ConnectivityState.Ready)
            {
                _failed.Remove(server);
            }

            SignalLocked();
        }
    }

    /// <summary>A host name's lookup ended: a server waited for may now be settled.</summary>
    public void NameLookupEnded()
    {
        lock (_gate)
        {
            SignalLocked();
        }
    }

    /// <summary>
    /// Waits until every one of <paramref name="servers"/> is settled, or <paramref name="timeout"/>
    /// has passed. A server whose name (<paramref name="nameOf"/>) does not resolve is settled; one
    /// whose name is still being looked up is, once another server is connected.
    /// </summary>
    public async Task WaitAllSettledAsync(IReadOnlyCollection<string> servers, TimeSpan timeout, TimeProvider time, Func<string, NameState> nameOf, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (AllSettledLocked(servers, nameOf))
                {
                    return;
                }

                changed = _changed.Task;
            }

            var remaining = timeout - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            try
            {
                await changed.WaitAsync(remaining, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return;
            }
        }
    }

    /// <summary>True when each server is in the installed picker, failed to connect, or will not be dialled yet.</summary>
    private bool AllSettledLocked(IReadOnlyCollection<string> servers, Func<string, NameState> nameOf)
    {
        var anyConnected = servers.Any(_picked.Contains);
        foreach (var server in servers)
        {
            if (_picked.Contains(server) || _failed.Contains(server))
            {
                continue;
            }

            var name = nameOf(server);
            if (name == NameState.DoesNotResolve || (name == NameState.LookingUp && anyConnected))
            {
                continue;
            }

            return false;
        }

        return true;
    }

    private void SignalLocked()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

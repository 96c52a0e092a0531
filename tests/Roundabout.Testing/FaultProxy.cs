using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Roundabout.Testing;

/// <summary>
/// A TCP proxy on 127.0.0.1 that puts faults on the link between two components speaking
/// cleartext HTTP/2 (gRPC): it forwards both ways and, on demand, drops a reply after its request
/// was served, delays replies, or blackholes all traffic for a while.
/// </summary>
/// <remarks>
/// The caller→target direction is forwarded as bytes. The target→caller direction is read frame by
/// frame (HTTP/2's 9-byte frame header), so the proxy knows when a reply starts: a HEADERS frame on
/// a stream. A gRPC server sends a unary call's response headers only once its handler has
/// returned, so a reply dropped there belongs to a request that was applied.
/// </remarks>
public sealed class FaultProxy : IAsyncDisposable
{
    private const byte HeadersFrame = 0x1;
    private const int FrameHeaderSize = 9;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Link> _links = [];
    private readonly Task _accepting;
    private TaskCompletionSource _open = Opened();
    private int _dropsArmed;
    private long _droppedReplies;
    private long _delayedReplies;
    private long _heldWhileBlackholed;
    private long _replyDelayTicks;

    private FaultProxy(int targetPort)
    {
        TargetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(_stop.Token);
    }

    /// <summary>The port the proxy listens on.</summary>
    public int Port { get; }

    /// <summary>The proxy's address, to give the caller instead of the target's.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The target's port on 127.0.0.1; it may be set after start, before the first connection.</summary>
    public int TargetPort { get; set; }

    /// <summary>Replies dropped so far (each one cut a connection).</summary>
    public long DroppedReplies => Interlocked.Read(ref _droppedReplies);

    /// <summary>Replies held back by <see cref="ReplyDelay"/> so far.</summary>
    public long DelayedReplies => Interlocked.Read(ref _delayedReplies);

    /// <summary>Chunks or frames that arrived while the link was blackholed (and were held, not lost).</summary>
    public long HeldWhileBlackholed => Interlocked.Read(ref _heldWhileBlackholed);

    /// <summary>How long each reply waits before it is delivered; zero by default.</summary>
    public TimeSpan ReplyDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _replyDelayTicks));
        set => Interlocked.Exchange(ref _replyDelayTicks, value.Ticks);
    }

    /// <summary>Starts a proxy to 127.0.0.1:<paramref name="targetPort"/> (or to a port set later).</summary>
    public static FaultProxy Start(int targetPort = 0) => new(targetPort);

    /// <summary>
    /// The next <paramref name="count"/> replies are not delivered: as each one starts, the
    /// connection that carries it is cut both ways (a reset), after the target served the request.
    /// </summary>
    public void DropNextReplies(int count = 1) => Interlocked.Exchange(ref _dropsArmed, count);

    /// <summary>From now on nothing passes either way, and new connections wait; bytes are held, not lost.</summary>
    public void Blackhole()
    {
        lock (_links)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Ends a blackhole: what was held is delivered, in order, as a network would after a partition heals.</summary>
    public void Heal()
    {
        lock (_links)
        {
            _open.TrySetResult();
        }
    }

    /// <summary>Cuts every open connection at once, as a crash of the link would.</summary>
    public void CutAll()
    {
        lock (_links)
        {
            foreach (var link in _links)
            {
                link.Cut();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Heal();
        CutAll();
        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket caller;
            try
            {
                caller = await _listener.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(caller, cancellationToken), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket caller, CancellationToken cancellationToken)
    {
        var target = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        caller.NoDelay = true;
        var link = new Link(caller, target);
        lock (_links)
        {
            _links.Add(link);
        }

        try
        {
            await WaitOpenAsync(cancellationToken);
            await target.ConnectAsync(IPAddress.Loopback, TargetPort, cancellationToken);
            await Task.WhenAny(ForwardRequestsAsync(link, cancellationToken), ForwardRepliesAsync(link, cancellationToken));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            link.Close();
            lock (_links)
            {
                _links.Remove(link);
            }
        }
    }

    private async Task ForwardRequestsAsync(Link link, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await link.Caller.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                await HoldWhileBlackholedAsync(cancellationToken);
                await SendAllAsync(link.Target, buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
    }

    private async Task ForwardRepliesAsync(Link link, CancellationToken cancellationToken)
    {
        var header = new byte[FrameHeaderSize];
        try
        {
            while (true)
            {
                if (!await ReceiveExactlyAsync(link.Target, header, cancellationToken))
                {
                    return;
                }

                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                var payload = new byte[length];
                if (!await ReceiveExactlyAsync(link.Target, payload, cancellationToken))
                {
                    return;
                }

                await HoldWhileBlackholedAsync(cancellationToken);
                var streamId = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7fffffff;
                if (header[3] == HeadersFrame && streamId != 0)
                {
                    if (ReplyDelay is { Ticks: > 0 } delay)
                    {
                        Interlocked.Increment(ref _delayedReplies);
                        await Task.Delay(delay, cancellationToken);
                    }

                    if (TakeArmedDrop())
                    {
                        Interlocked.Increment(ref _droppedReplies);
                        link.Cut();
                        return;
                    }
                }

                await SendAllAsync(link.Caller, header, cancellationToken);
                await SendAllAsync(link.Caller, payload, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
    }

    private bool TakeArmedDrop()
    {
        while (true)
        {
            var armed = Volatile.Read(ref _dropsArmed);
            if (armed <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _dropsArmed, armed - 1, armed) == armed)
            {
                return true;
            }
        }
    }

    private async Task HoldWhileBlackholedAsync(CancellationToken cancellationToken)
    {
        Task open;
        lock (_links)
        {
            open = _open.Task;
        }

        if (!open.IsCompleted)
        {
            Interlocked.Increment(ref _heldWhileBlackholed);
            await open.WaitAsync(cancellationToken);
        }
    }

    private Task WaitOpenAsync(CancellationToken cancellationToken)
    {
        lock (_links)
        {
            return _open.Task.WaitAsync(cancellationToken);
        }
    }

    private static async Task<bool> ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (buffer.Length > 0)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return false;
            }

            buffer = buffer[read..];
        }

        return true;
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (data.Length > 0)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }

    /// <summary>One proxied connection: the caller's socket and the one to the target.</summary>
    private sealed class Link(Socket caller, Socket target)
    {
        public Socket Caller => caller;

        public Socket Target => target;

        /// <summary>A reset both ways: no orderly close, as when a link or a host fails.</summary>
        public void Cut()
        {
            foreach (var socket in new[] { caller, target })
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                }
            }

            Close();
        }

        public void Close()
        {
            caller.Dispose();
            target.Dispose();
        }
    }
}

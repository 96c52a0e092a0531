using System.Threading.Channels;

namespace Roundabout.Registry.Membership;

/// <summary>
/// One watcher's bounded buffer. When it is full the watcher is marked as overflowed: a marker
/// (null) is queued behind the changes it already holds, later changes are dropped, and the
/// reader replaces what it missed with a fresh snapshot. Offer and Reset run under the backend's lock.
/// </summary>
internal sealed class MembershipWatcher
{
    private readonly int _capacity;
    private readonly Channel<MembershipEvent?> _channel;
    private bool _overflowed;

    public MembershipWatcher(int capacity)
    {
        _capacity = capacity;

        // One slot more than the capacity, for the overflow marker.
        _channel = Channel.CreateBounded<MembershipEvent?>(new BoundedChannelOptions(capacity + 1)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public void Offer(MembershipEvent change)
    {
        if (_overflowed)
        {
            return;
        }

        if (_channel.Reader.Count >= _capacity)
        {
            _overflowed = true;
            _channel.Writer.TryWrite(null);
            return;
        }

        _channel.Writer.TryWrite(change);
    }

    /// <summary>The next change, or null when the watcher overflowed and needs a snapshot.</summary>
    public ValueTask<MembershipEvent?> ReadAsync(CancellationToken cancellationToken) =>
        _channel.Reader.ReadAsync(cancellationToken);

    public void Reset()
    {
        while (_channel.Reader.TryRead(out _))
        {
        }

        _overflowed = false;
    }
}

using System.Collections.Concurrent;

namespace Roundabout.Client.Sessions;

/// <summary>
/// A client's session for exactly-once Multiply (Raft's client sessions, with a sequence per
/// accumulator as Kafka's producer keeps one per partition): a random id, and per accumulator
/// the window of sequences. The stores keep, per session and accumulator, only the answers above
/// the floor the client sends, so what they hold grows with the calls in flight, not with traffic.
/// </summary>
internal sealed class ClientSession
{
    private readonly ConcurrentDictionary<string, SequenceWindow> _windows = new(StringComparer.Ordinal);

    private ClientSession(string id) => Id = id;

    /// <summary>32 hex digits: 128 random bits, so two clients never share a session.</summary>
    public string Id { get; }

    public static ClientSession Start() => new(Guid.NewGuid().ToString("N"));

    public SequenceWindow Window(string accumulator) => _windows.GetOrAdd(accumulator, static _ => new SequenceWindow());
}

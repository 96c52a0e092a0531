using System.Numerics;

namespace Roundabout.Database.Engine;

/// <summary>A compare on a key's version; 0 means the key must be absent.</summary>
internal sealed record VersionCompare(string Key, long ExpectedVersion);

/// <summary>
/// One op requested in a transaction: a put (Value set, with a ttl), a delete (Value and Atomic
/// null), or an atomic update of the integer at the key (Atomic set).
/// </summary>
internal sealed record TxnWrite(string Key, byte[]? Value, long TtlMs, AtomicUpdate? Atomic = null)
{
    public bool IsDelete => Value is null && Atomic is null;

    public static TxnWrite Put(string key, byte[] value, long ttlMs = 0) => new(key, value, ttlMs);

    public static TxnWrite Delete(string key) => new(key, null, 0);

    public static TxnWrite Update(string key, AtomicUpdate update) => new(key, null, 0, update);
}

/// <summary>The arithmetic an atomic op applies where the data lives.</summary>
internal enum AtomicOperation
{
    /// <summary>value × operand; an absent key counts as 1.</summary>
    Multiply,

    /// <summary>value + operand; an absent key counts as 0.</summary>
    Add,
}

/// <summary>
/// An atomic update: <see cref="Operation"/> with <see cref="Operand"/>, and optionally an
/// idempotency record at <see cref="RequestKey"/> that holds the first result (and, while it
/// lives, turns a repeat of the same request into a replay that changes nothing), or a client
/// session's record (<see cref="Session"/>) that does the same for the session's sequences.
/// </summary>
internal sealed record AtomicUpdate(AtomicOperation Operation, BigInteger Operand, string? RequestKey = null, long RequestTtlMs = 0, SessionUpdate? Session = null)
{
    public BigInteger Identity => Operation == AtomicOperation.Multiply ? BigInteger.One : BigInteger.Zero;

    public BigInteger Apply(BigInteger value) => Operation == AtomicOperation.Multiply ? value * Operand : value + Operand;
}

/// <summary>A client session's call: its record's key, its sequence, its confirmation floor, and how long the record lives after this write (0: for ever).</summary>
internal sealed record SessionUpdate(string Key, ulong Sequence, ulong ConfirmedBelow, long TtlMs);

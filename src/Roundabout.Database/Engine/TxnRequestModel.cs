namespace Roundabout.Database.Engine;

/// <summary>A compare on a key's version; 0 means the key must be absent.</summary>
internal sealed record VersionCompare(string Key, long ExpectedVersion);

/// <summary>A put (Value set, with a ttl) or a delete (Value null) requested in a transaction.</summary>
internal sealed record TxnWrite(string Key, byte[]? Value, long TtlMs)
{
    public static TxnWrite Put(string key, byte[] value, long ttlMs = 0) => new(key, value, ttlMs);

    public static TxnWrite Delete(string key) => new(key, null, 0);
}

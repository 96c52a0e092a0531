namespace Roundabout.Database.Storage;

/// <summary>A live value. Value arrays are never mutated once stored, so entries are shared freely.</summary>
/// <param name="ExpiresAtMs">Unix time in milliseconds after which the key is absent; 0 means never.</param>
internal sealed record StoredEntry(byte[] Value, long Version, long ExpiresAtMs)
{
    public bool IsLiveAt(long nowMs) => ExpiresAtMs == 0 || nowMs < ExpiresAtMs;
}

namespace Roundabout.Database.Storage;

/// <summary>A consistent copy of the store at one revision: what a snapshot holds and what recovery rebuilds.</summary>
internal sealed record StoreImage(long Revision, IReadOnlyList<KeyValuePair<string, StoredEntry>> Entries)
{
    public static readonly StoreImage Empty = new(0, []);
}

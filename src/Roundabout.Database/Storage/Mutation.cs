namespace Roundabout.Database.Storage;

/// <summary>One change inside a commit: a put (with its absolute expiry) or a delete.</summary>
internal sealed record Mutation(string Key, byte[]? Value, long ExpiresAtMs)
{
    public bool IsDelete => Value is null;

    public static Mutation Put(string key, byte[] value, long expiresAtMs) => new(key, value, expiresAtMs);

    public static Mutation Delete(string key) => new(key, null, 0);
}

/// <summary>A write as the log records it: every mutation takes the commit's revision as its version.</summary>
internal sealed record Commit(long Revision, IReadOnlyList<Mutation> Mutations);

namespace Roundabout.Database;

/// <summary>
/// The database cannot open its data directory: a damaged log or snapshot, a directory another
/// database process holds, or one it cannot read or write. The message is one line that says
/// what is wrong and where; the database never serves data it could not read back intact.
/// </summary>
public sealed class StoreOpenException : Exception
{
    public StoreOpenException(string message)
        : base(message)
    {
    }

    public StoreOpenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StoreOpenException()
    {
    }

    internal static StoreOpenException Corrupt(string path, long offset, string what) =>
        new($"The data file {path} is damaged at byte offset {offset}: {what}. " +
            "The database refuses to start rather than serve wrong data; restore the directory from a backup, " +
            "or move it aside to start empty.");
}

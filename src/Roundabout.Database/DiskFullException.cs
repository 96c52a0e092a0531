namespace Roundabout.Database;

/// <summary>The disk of the data directory is full: the write was refused before anything changed. Reads still work.</summary>
internal sealed class DiskFullException(string message) : Exception(message);

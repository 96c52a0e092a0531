namespace Roundabout.Contracts.Security;

/// <summary>A certificate, key or CA file that cannot be used; the message names the file and says what to do.</summary>
public sealed class TlsFileException(string message, Exception? inner = null) : ArgumentException(message, inner);

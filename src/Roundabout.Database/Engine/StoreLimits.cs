using System.Text;

namespace Roundabout.Database.Engine;

/// <summary>The bounds of what the store accepts, checked before anything changes.</summary>
internal static class StoreLimits
{
    public const int MaxKeyBytes = 256;
    public const int MaxValueBytes = 64 * 1024;
    public const int MaxListLimit = 1000;

    /// <summary>A List reply stays under the 4 MiB a gRPC client accepts by default.</summary>
    public const int MaxListReplyBytes = 3 * 1024 * 1024;
    public const int MaxTxnOps = 128;
    public const int MaxTxnCompares = 128;
    public static readonly long MaxTtlMs = (long)TimeSpan.FromDays(365).TotalMilliseconds;

    public static void CheckKey(string? key, string field = "key")
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new InvalidRequestException($"{field} must not be empty.");
        }

        var bytes = Encoding.UTF8.GetByteCount(key);
        if (bytes > MaxKeyBytes)
        {
            throw new InvalidRequestException($"{field} is {bytes} bytes in UTF-8; the limit is {MaxKeyBytes} bytes. Use a shorter key.");
        }
    }

    public static void CheckPrefix(string? prefix)
    {
        var bytes = Encoding.UTF8.GetByteCount(prefix ?? string.Empty);
        if (bytes > MaxKeyBytes)
        {
            throw new InvalidRequestException($"prefix is {bytes} bytes in UTF-8; the limit is {MaxKeyBytes} bytes, as for keys.");
        }
    }

    public static void CheckValue(ReadOnlySpan<byte> value, string field = "value")
    {
        if (value.Length > MaxValueBytes)
        {
            throw new InvalidRequestException($"{field} is {value.Length} bytes; the limit is {MaxValueBytes} bytes (64 KiB). Store a smaller value.");
        }
    }

    public static void CheckTtl(long ttlMs, string field = "ttl_ms")
    {
        if (ttlMs < 0 || ttlMs > MaxTtlMs)
        {
            throw new InvalidRequestException($"{field} is {ttlMs}; it must be from 0 (never expires) to {MaxTtlMs} (365 days).");
        }
    }

    public static void CheckExpectedVersion(long version, string field = "expected_version")
    {
        if (version < 0)
        {
            throw new InvalidRequestException($"{field} is {version}; it must be 0 (the key must be absent) or a version the store returned.");
        }
    }

    public static int CheckLimit(int limit)
    {
        if (limit < 0 || limit > MaxListLimit)
        {
            throw new InvalidRequestException($"limit is {limit}; it must be from 1 to {MaxListLimit}, or 0 for the maximum ({MaxListLimit}).");
        }

        return limit == 0 ? MaxListLimit : limit;
    }
}

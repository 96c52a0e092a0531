using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Roundabout.Registry.Etcd;

/// <summary>
/// The lease id a registration returns: etcd's lease id, then a 128-bit random secret. etcd lease
/// ids are guessable, so only the secret's hash is stored, and a caller must show the secret to
/// renew or drop the lease. The text is <c>{lease in hex}-{secret in hex}</c> (49 characters).
/// </summary>
internal static class EtcdLeaseToken
{
    public static (string Token, string SecretHash) Create(long leaseId)
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return ($"{leaseId.ToString("x16", CultureInfo.InvariantCulture)}-{secret}", Hash(secret));
    }

    public static bool TryParse(string token, out long leaseId, out string secret)
    {
        leaseId = 0;
        secret = string.Empty;
        var dash = token.IndexOf('-', StringComparison.Ordinal);
        if (dash != 16 || token.Length != 49
            || !long.TryParse(token.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out leaseId))
        {
            return false;
        }

        secret = token[17..];
        return true;
    }

    public static bool Matches(string secret, string expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(expectedHash));

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret)));
}

using System.Security.Cryptography;

namespace Roundabout.Registry.Membership;

/// <summary>Lease ids are bearer secrets: 128 random bits, so nobody but the holder can renew or drop a lease.</summary>
internal static class LeaseIds
{
    public const int MaxLength = 64;

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

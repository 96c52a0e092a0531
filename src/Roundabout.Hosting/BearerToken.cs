using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Roundabout.Contracts.Security;

namespace Roundabout.Hosting;

/// <summary>
/// A shared token that a call proves it holds by sending <c>authorization: Bearer &lt;token&gt;</c>,
/// compared in constant time. The one check behind the registry's writes, the database's calls
/// and a server's Reset.
/// </summary>
public sealed class BearerToken
{
    private readonly byte[] _expected;

    public BearerToken(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _expected = Encoding.UTF8.GetBytes(value);
    }

    /// <summary>Null when the call carries the token; otherwise why not ("no token" or "wrong token"), for the refusal and its log line.</summary>
    public string? Refusal(Metadata headers)
    {
        var header = headers.GetValue(BearerHeader.Name);
        if (header is null)
        {
            return "no token";
        }

        return header.StartsWith(BearerHeader.Scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[BearerHeader.Scheme.Length..].Trim()), _expected)
            ? null
            : "wrong token";
    }
}

using Grpc.Core;

namespace Roundabout.Contracts.Security;

/// <summary>How a call carries a shared token: the metadata <c>authorization: Bearer &lt;token&gt;</c>.</summary>
public static class BearerHeader
{
    public const string Name = "authorization";

    public const string Scheme = "Bearer ";

    /// <summary>The call metadata that carries <paramref name="token"/>.</summary>
    public static Metadata.Entry For(string token) => new(Name, Scheme + token);
}

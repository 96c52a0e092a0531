using Roundabout.Cli.Security;
using Roundabout.Contracts.Security;

namespace Roundabout.Cli.Launch;

/// <summary>
/// A local cluster over TLS: a throwaway CA signs one certificate for localhost that every
/// component serves, and every component and client that dials trusts the CA. The files are
/// deleted on dispose.
/// </summary>
internal sealed class ClusterTls : IDisposable
{
    private readonly ThrowawayCertificates _certificates;

    private ClusterTls(ThrowawayCertificates certificates)
    {
        _certificates = certificates;
        Client = ClientTls.FromFiles(certificates.CaPath, null, null) ?? throw new InvalidOperationException("A CA file was given, so the client TLS settings exist.");
    }

    public static ClusterTls Create(string name, TimeProvider time) => new(ThrowawayCertificates.Create(name, time));

    /// <summary>The CA file other clients can pass with --tls-ca.</summary>
    public string CaPath => _certificates.CaPath;

    /// <summary>How this process dials the cluster.</summary>
    public ClientTls Client { get; }

    /// <summary>The arguments of a component that serves.</summary>
    public IReadOnlyList<string> ServeArgs => ["--tls-cert", _certificates.CertificatePath, "--tls-key", _certificates.KeyPath];

    /// <summary>The arguments of a component that dials.</summary>
    public IReadOnlyList<string> DialArgs => ["--tls-ca", _certificates.CaPath];

    public void Dispose() => _certificates.Dispose();
}

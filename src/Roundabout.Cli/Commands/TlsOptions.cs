using System.CommandLine;
using System.CommandLine.Parsing;
using Roundabout.Contracts.Security;

namespace Roundabout.Cli.Commands;

/// <summary>
/// The TLS options: --tls-cert and --tls-key (a certificate to serve, or to present as a client),
/// --tls-ca (the CAs to trust when dialing) and --tls-client-ca (mutual TLS when serving). Every
/// file is read and checked while the command line is parsed, so a bad one is an option error.
/// </summary>
internal sealed class TlsOptions
{
    private TlsOptions(Option<string?> certificate, Option<string?> key, Option<string?>? ca, Option<string?>? clientCa)
    {
        Certificate = certificate;
        Key = key;
        Ca = ca;
        ClientCa = clientCa;
        AllowOpenKey = new Option<bool>("--allow-open-key-file")
        {
            Description = "Use a --tls-key file that other users may read or write. By default such a key is refused, as ssh refuses one: " +
                "run 'chmod 600 FILE' instead whenever you can.",
        };
    }

    /// <summary>--allow-open-key-file: use a key file whose mode lets others read it.</summary>
    public Option<bool> AllowOpenKey { get; }

    public Option<string?> Certificate { get; }

    public Option<string?> Key { get; }

    /// <summary>--tls-ca: the CAs to trust when dialing; null on commands that only serve.</summary>
    public Option<string?>? Ca { get; }

    /// <summary>--tls-client-ca: mutual TLS; null on commands that do not serve.</summary>
    public Option<string?>? ClientCa { get; }

    /// <summary>The registry and the database: they serve, and dial nothing.</summary>
    public static TlsOptions ForHost() => new(
        CertificateFile("Serve over TLS (HTTP/2 with ALPN h2) with this certificate, a PEM file; intermediates may follow it in the file. Needs --tls-key."),
        KeyFile(),
        ca: null,
        ClientCaFile());

    /// <summary>A server: it serves, and dials the registry and the database.</summary>
    public static TlsOptions ForServer() => new(
        CertificateFile("Serve over TLS (HTTP/2 with ALPN h2) with this certificate, a PEM file; intermediates may follow it in the file. " +
            "With --tls-ca the server also presents it to a registry or database that requires client certificates. Needs --tls-key."),
        KeyFile(),
        CaFile("Dial the registry and the database over TLS, trusting the CAs in this PEM file for their certificates. Without it they are dialed in cleartext."),
        ClientCaFile());

    /// <summary>The clients: they dial the registry and the servers (and the dashboard the database too).</summary>
    public static TlsOptions ForClient(string dials = "the registry and the servers") => new(
        CertificateFile("A client certificate, PEM, presented to a cluster that requires one (mutual TLS). Turns TLS on; needs --tls-key."),
        KeyFile(),
        CaFile($"Dial {dials} over TLS, trusting the CAs in this PEM file for their certificates " +
            "(with 'roundabout up --tls', the CA file it prints). Without --tls-ca or --tls-cert, everything is dialed in cleartext."),
        clientCa: null);

    public void AddTo(Command command)
    {
        command.Options.Add(Certificate);
        command.Options.Add(Key);
        command.Options.Add(AllowOpenKey);
        if (Ca is not null)
        {
            command.Options.Add(Ca);
        }

        if (ClientCa is not null)
        {
            command.Options.Add(ClientCa);
        }

        command.Validators.Add(ValidatePair);
    }

    /// <summary>What a host serves with; null for cleartext. Files were checked at parse time.</summary>
    public Hosting.ServerTls? BuildServer(ParseResult parse) =>
        parse.GetValue(Certificate) is { } certificate
            ? Hosting.ServerTls.FromFiles(certificate, parse.GetValue(Key)!, ClientCa is null ? null : parse.GetValue(ClientCa), parse.GetValue(AllowOpenKey))
            : null;

    /// <summary>How the command dials; null for cleartext. A server dials over TLS only with --tls-ca.</summary>
    public ClientTls? BuildClient(ParseResult parse, bool caRequired = false)
    {
        var ca = Ca is null ? null : parse.GetValue(Ca);
        if (caRequired && ca is null)
        {
            return null;
        }

        return ClientTls.FromFiles(ca, parse.GetValue(Certificate), parse.GetValue(Key), parse.GetValue(AllowOpenKey));
    }

    private void ValidatePair(CommandResult result)
    {
        var certificate = result.GetValue(Certificate);
        var key = result.GetValue(Key);
        // A file that is missing has been reported by its own option; one error is enough.
        var clientCa = ClientCa is null ? null : result.GetValue(ClientCa);
        if ((certificate is not null && !File.Exists(certificate)) || (key is not null && !File.Exists(key)) || (clientCa is not null && !File.Exists(clientCa)))
        {
            return;
        }

        if (certificate is not null && key is null)
        {
            result.AddError("--tls-cert needs --tls-key, the file of the certificate's private key.");
        }
        else if (certificate is null && key is not null)
        {
            result.AddError("--tls-key goes with --tls-cert, the certificate it belongs to.");
        }
        else if (certificate is null && clientCa is not null)
        {
            result.AddError("--tls-client-ca needs --tls-cert and --tls-key: mutual TLS runs over TLS.");
        }
        else if (certificate is not null && key is not null)
        {
            try
            {
                using var _ = TlsFiles.LoadCertificate(certificate, key, result.GetValue(AllowOpenKey));
            }
            catch (TlsFileException ex)
            {
                result.AddError($"--tls-key: {ex.Message}");
            }
        }
    }

    private static Option<string?> CertificateFile(string description) => new("--tls-cert")
    {
        Description = description,
        HelpName = "file",
        Validators = { r => Check(r, "--tls-cert", path => TlsFiles.LoadCertificates(path).DisposeAll()) },
    };

    private static Option<string?> KeyFile() => new("--tls-key")
    {
        Description = "The private key of --tls-cert, an unencrypted PEM file (PKCS#8, EC or RSA). Keep it readable by this user only.",
        HelpName = "file",
        Validators = { r => Check(r, "--tls-key", path => { if (!File.Exists(path)) { throw new TlsFileException($"'{path}' does not exist."); } }) },
    };

    private static Option<string?> CaFile(string description) => new("--tls-ca")
    {
        Description = description,
        HelpName = "file",
        Validators = { r => Check(r, "--tls-ca", path => TlsFiles.LoadCertificates(path).DisposeAll()) },
    };

    private static Option<string?> ClientCaFile() => new("--tls-client-ca")
    {
        Description = "Mutual TLS: refuse every connection that does not present a client certificate signed by a CA in this PEM file " +
            "(health probes included). Needs --tls-cert.",
        HelpName = "file",
        Validators = { r => Check(r, "--tls-client-ca", path => TlsFiles.LoadCertificates(path).DisposeAll()) },
    };

    private static void Check(OptionResult result, string option, Action<string> check)
    {
        if (result.GetValueOrDefault<string?>() is not { } path)
        {
            return;
        }

        try
        {
            check(path);
        }
        catch (TlsFileException ex)
        {
            result.AddError($"{option}: {ex.Message}");
        }
    }
}

internal static class CertificateCollectionExtensions
{
    public static void DisposeAll(this System.Security.Cryptography.X509Certificates.X509Certificate2Collection certificates)
    {
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Roundabout.Contracts;

/// <summary>A validated <c>host:port</c> address, as servers register and clients dial it.</summary>
public sealed record EndpointAddress(string Host, int Port)
{
    /// <summary>Longest address accepted anywhere (a DNS name is at most 253 characters).</summary>
    public const int MaxLength = 261;

    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>The http:// URI a gRPC channel dials for this address.</summary>
    public Uri ToHttpUri() => new($"http://{this}");

    /// <summary>The https:// URI a gRPC channel dials for this address over TLS.</summary>
    public Uri ToHttpsUri() => new($"https://{this}");

    /// <summary>Parses <c>host:port</c>, <c>[v6]:port</c>, or an <c>http://</c> URI with a port.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out EndpointAddress? address, out string error)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the address is empty; expected host:port, for example localhost:9001";
            return false;
        }

        text = text.Trim();
        if (text.Length > MaxLength)
        {
            error = $"the address is longer than {MaxLength} characters";
            return false;
        }

        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            text = text["http://".Length..].TrimEnd('/');
        }

        string host;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                error = $"'{text}' is not a valid address; expected [ipv6]:port";
                return false;
            }

            host = text[1..close];
            portText = text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                error = $"'{text}' is not a valid address; expected host:port, for example localhost:9001";
                return false;
            }

            host = text[..colon];
            portText = text[(colon + 1)..];
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"'{portText}' is not a valid port; expected a number from 1 to 65535";
            return false;
        }

        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            error = $"'{host}' is not a valid host name or IP address";
            return false;
        }

        address = new EndpointAddress(host, port);
        error = string.Empty;
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with a message that says what is expected.</summary>
    public static EndpointAddress Parse(string? text) =>
        TryParse(text, out var address, out var error) ? address : throw new FormatException(error);

    /// <summary>Parses a comma-separated list into <paramref name="target"/>, replacing what it held; on a bad address it throws and leaves it as it was.</summary>
    public static void ParseListInto(IList<EndpointAddress> target, string? text)
    {
        ArgumentNullException.ThrowIfNull(target);
        var parsed = ParseList(text);
        target.Clear();
        foreach (var address in parsed)
        {
            target.Add(address);
        }
    }

    /// <summary>Parses a comma-separated list of addresses.</summary>
    public static IReadOnlyList<EndpointAddress> ParseList(string? text) =>
        (text ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Parse)
            .ToArray() is { Length: > 0 } list
            ? list
            : throw new FormatException("no address given; expected host:port[,host:port...]");
}

namespace Roundabout.Registration;

/// <summary>Reads the addresses Kestrel reports as bound (<c>http://127.0.0.1:5000</c>, <c>https://[::]:443</c>, <c>http://+:80</c>).</summary>
internal static class BindingAddress
{
    public static bool TryParse(string text, out string scheme, out string host, out int port)
    {
        scheme = host = "";
        port = 0;
        // Kestrel reports wildcards as '+' or '*', which System.Uri does not take as host names.
        var normalized = text.Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Port <= 0)
        {
            return false;
        }

        scheme = uri.Scheme;
        host = uri.Host.Trim('[', ']');
        port = uri.Port;
        return true;
    }

    public static bool IsWildcard(string host) => host is "0.0.0.0" or "::" or "+" or "*";
}

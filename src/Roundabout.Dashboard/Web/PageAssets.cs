using System.Security.Cryptography;

namespace Roundabout.Dashboard.Web;

/// <summary>The page's files, read once from the assembly's embedded resources.</summary>
internal sealed class PageAssets
{
    private static readonly (string Path, string Resource, string ContentType)[] _files =
    [
        ("/", "wwwroot/index.html", "text/html; charset=utf-8"),
        ("/dashboard.css", "wwwroot/dashboard.css", "text/css; charset=utf-8"),
        ("/charts.js", "wwwroot/charts.js", "text/javascript; charset=utf-8"),
        ("/dashboard.js", "wwwroot/dashboard.js", "text/javascript; charset=utf-8"),
    ];

    public PageAssets()
    {
        var assembly = typeof(PageAssets).Assembly;
        Files = _files.Select(f =>
        {
            using var stream = assembly.GetManifestResourceStream(f.Resource)
                ?? throw new InvalidOperationException($"The dashboard's page file {f.Resource} is not embedded in {assembly.GetName().Name}.");
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var bytes = memory.ToArray();
            return new PageFile(f.Path, f.ContentType, bytes, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
        }).ToArray();
    }

    public IReadOnlyList<PageFile> Files { get; }
}

/// <summary>One file of the page, with its entity tag.</summary>
internal sealed record PageFile(string Path, string ContentType, byte[] Content, string ETag);

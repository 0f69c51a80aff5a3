using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace CommunityStream.Web.Assets;

/// <summary>
/// The app's files, read once from this assembly's embedded resources and compressed once at start.
/// Static files live under <c>/assets/{BuildId}/…</c>: the id is a hash of every file, so a URL's content never changes
/// and browsers and CDNs may keep it for a year; relative imports between ES modules stay inside the same build.
/// Pages are rendered once from <c>Pages/shell.html</c> (<see cref="WebPage"/>) with that prefix and the preloads of
/// their module graph (<see cref="ModuleGraph"/>), and served with <c>no-cache</c>.
/// </summary>
internal sealed class WebAssets
{
    private const string StaticPrefix = "wwwroot/";
    private const string PagePrefix = "pages/";

    private readonly Dictionary<string, WebAsset> _files;
    private readonly Dictionary<string, WebAsset> _pages;

    private WebAssets(string buildId, Dictionary<string, WebAsset> files, Dictionary<string, WebAsset> pages)
    {
        BuildId = buildId;
        _files = files;
        _pages = pages;
    }

    /// <summary>Hash of every embedded file: changes whenever any of them does.</summary>
    public string BuildId { get; }

    /// <summary>URL prefix of the static files of this build, e.g. <c>/assets/3f9c0a1b2c4d</c>.</summary>
    public string Prefix => $"/assets/{BuildId}";

    public IEnumerable<string> StaticPaths => _files.Keys;

    public bool TryGetFile(string path, out WebAsset asset) => _files.TryGetValue(path, out asset!);

    public bool TryGetPage(string name, out WebAsset asset) => _pages.TryGetValue(name, out asset!);

    /// <summary>Loads and compresses the embedded files of <paramref name="assembly"/>.</summary>
    public static WebAssets Load(Assembly assembly)
    {
        var raw = assembly.GetManifestResourceNames()
            .Select(name => (Name: name.Replace('\\', '/'), Bytes: Read(assembly, name)))
            .OrderBy(resource => resource.Name, StringComparer.Ordinal)
            .ToList();

        var buildId = BuildIdOf(raw);
        var prefix = $"/assets/{buildId}";
        var files = new Dictionary<string, WebAsset>(StringComparer.Ordinal);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, bytes) in raw)
        {
            if (name.StartsWith(StaticPrefix, StringComparison.Ordinal))
            {
                var path = name[StaticPrefix.Length..];
                files[path] = Compressed(path, bytes);
            }
            texts[name] = name.EndsWith(".js", StringComparison.Ordinal) || name.EndsWith(".html", StringComparison.Ordinal)
                ? Encoding.UTF8.GetString(bytes)
                : string.Empty;
        }

        var shell = texts[PagePrefix + "shell.html"];
        var pages = new Dictionary<string, WebAsset>(StringComparer.Ordinal);
        foreach (var page in WebPage.All)
        {
            var module = $"js/pages/{page.Name}.js";
            var preloads = ModuleGraph.ImportsOf(module, path => texts.GetValueOrDefault(StaticPrefix + path))
                .Select(path => $"  <link rel=\"modulepreload\" href=\"{prefix}/{path}\">");
            var html = shell
                .Replace("{{title}}", page.Title, StringComparison.Ordinal)
                .Replace("{{stylesheet}}", page.Stylesheet, StringComparison.Ordinal)
                .Replace("{{page}}", page.Name, StringComparison.Ordinal)
                .Replace("{{preloads}}", string.Join('\n', preloads), StringComparison.Ordinal)
                .Replace("{{main}}", texts.GetValueOrDefault($"{PagePrefix}{page.Name}.html")?.Trim() ?? "", StringComparison.Ordinal)
                .Replace("{{assets}}", prefix, StringComparison.Ordinal);
            pages[page.Name] = Compressed(page.Name + ".html", Encoding.UTF8.GetBytes(html));
        }
        return new WebAssets(buildId, files, pages);
    }

    private static string BuildIdOf(IEnumerable<(string Name, byte[] Bytes)> resources)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, bytes) in resources)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }

    private static WebAsset Compressed(string path, byte[] bytes)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        return new WebAsset(path, ContentTypes.Of(path), bytes, Compress(bytes, brotli: true), Compress(bytes, brotli: false), hash);
    }

    private static byte[] Compress(byte[] bytes, bool brotli)
    {
        using var output = new MemoryStream();
        using (Stream compressor = brotli
                   ? new BrotliStream(output, CompressionLevel.SmallestSize, leaveOpen: true)
                   : new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            compressor.Write(bytes);
        }
        return output.ToArray();
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

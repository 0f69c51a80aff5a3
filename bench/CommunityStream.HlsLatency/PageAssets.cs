namespace CommunityStream.HlsLatency;

/// <summary>The bench's pages (embedded from Pages/), served into the Host's origin by a Playwright route.</summary>
internal static class PageAssets
{
    /// <summary>The path prefix the pages are served under; the Host itself has nothing there.</summary>
    public const string Prefix = "/bench-latency/";

    public static string Read(string name)
    {
        using var stream = typeof(PageAssets).Assembly.GetManifestResourceStream("Pages/" + name)
            ?? throw new FileNotFoundException($"no embedded page {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

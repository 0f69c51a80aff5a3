namespace CommunityStream.Media.Hls;

/// <summary>EXT-X-PART-INF PART-TARGET of channels packaged here: the packager cuts parts no longer than this.</summary>
internal static class HlsPartTarget
{
    public static readonly TimeSpan Value = TimeSpan.FromMilliseconds(500);
}

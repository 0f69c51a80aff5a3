using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Hls;

/// <summary>EXT-X-PART-INF PART-TARGET of channels packaged here: the packager never cuts a part longer than its target.</summary>
internal static class HlsPartTarget
{
    public static readonly TimeSpan Value = CmafPackagerOptions.Default.PartTarget;
}

using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Hls;

/// <summary>
/// EXT-X-PART-INF PART-TARGET of channels packaged here, and the packager's part target: one value (0.5 s, see
/// <see cref="CmafPackagerOptions.Default"/>). The packager never makes a part longer (a stalled frame is cut at the
/// part's end), so PART-TARGET needs no headroom.
/// </summary>
internal static class HlsPartTarget
{
    public static readonly TimeSpan Value = CmafPackagerOptions.Default.PartTarget;
}

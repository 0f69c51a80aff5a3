using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Hls;

/// <summary>
/// EXT-X-PART-INF PART-TARGET of channels packaged here: the packager's part target (1/3 s) plus headroom. The
/// packager cuts a part before a frame would take it past its target, but a frame's duration is the gap to the next
/// frame, and one frame alone can exceed 1/3 s when the encoder stalls (0.43 s seen from Chromium on a loaded
/// machine). PART-TARGET may never be below a part and never change, so it is declared as 0.5 s.
/// </summary>
internal static class HlsPartTarget
{
    public static readonly TimeSpan Value = CmafPackagerOptions.Default.PartTarget + TimeSpan.FromSeconds(1.0 / 6);
}

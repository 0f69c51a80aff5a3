using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Hls;

/// <summary>The packager the HLS feed drives: <see cref="LiveCmafPackager"/> (H.264 and Opus RTP remuxed into CMAF).</summary>
internal static class LiveHlsPackager
{
    public static readonly HlsPackagerFactory Factory = (tracks, output, settings) => new Adapter(new LiveCmafPackager(tracks, output,
        CmafPackagerOptions.Default with { PartTarget = settings.PartTarget, SegmentTarget = settings.SegmentTarget }));

    private sealed class Adapter(LiveCmafPackager packager) : IHlsPackager
    {
        public void Push(MediaPacket packet) => packager.Push(packet);

        // The depacketizer sees the sequence gap a drop leaves and waits for an IDR (asking for one) by itself.
        public void PacketsLost()
        {
        }

        public void Finish() => packager.Finish();
    }
}

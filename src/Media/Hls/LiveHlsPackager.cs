using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Hls;

/// <summary>The packager the HLS feed drives: the CMAF packager of <see cref="Packaging"/>.</summary>
internal static class LiveHlsPackager
{
    public static readonly HlsPackagerFactory Factory = (tracks, output) => new Pending(output);

    // Until the CMAF packager is merged: produces nothing.
    private sealed class Pending(ICmafOutput output) : IHlsPackager
    {
        public void Push(MediaPacket packet) => _ = output;

        public void PacketsLost()
        {
        }
    }
}

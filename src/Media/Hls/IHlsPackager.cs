using CommunityStream.Media.Forwarding;

namespace CommunityStream.Media.Hls;

/// <summary>
/// A channel's packager as the HLS feed drives it: every packet of the stream in order, on one thread; what it makes
/// goes to the <see cref="Packaging.ICmafOutput"/> it was created with.
/// </summary>
internal interface IHlsPackager
{
    void Push(MediaPacket packet);

    /// <summary>Packets were dropped before the packager saw them: it must wait for the next IDR.</summary>
    void PacketsLost();

    /// <summary>The publisher left: hand over what is held.</summary>
    void Finish();
}

/// <summary>Makes a channel's packager for its published tracks (H.264 video, Opus audio).</summary>
/// <paramref name="settings"/> are the window's: the packager cuts parts at its part target and starts segments at its segment target.
internal delegate IHlsPackager HlsPackagerFactory(IReadOnlyList<PublishedTrack> tracks, Packaging.ICmafOutput output, HlsWindowSettings settings);

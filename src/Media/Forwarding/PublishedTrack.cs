using CommunityStream.WebRtc.Sdp;

namespace CommunityStream.Media.Forwarding;

/// <summary>
/// What the publisher's answer agreed on for one kind: payload type, codec and clock rate, and the offer's
/// <c>a=fmtp</c> for the codec as <see cref="Format"/> (H.264 <c>sprop-parameter-sets</c>, packetization-mode; the
/// LL-HLS packager reads it; not carried across the relay).
/// </summary>
internal sealed record PublishedTrack(MediaKind Kind, byte PayloadType, string Codec, int ClockRate, string Format = "")
{
    public static IReadOnlyList<PublishedTrack> From(SdpAnswer answer) =>
        answer.Media
            .Select(m => new PublishedTrack(
                m.Kind == "audio" ? MediaKind.Audio : MediaKind.Video,
                (byte)m.Codec.PayloadType,
                m.Codec.Name,
                m.Codec.ClockRate,
                m.Codec.Format))
            .ToList();
}

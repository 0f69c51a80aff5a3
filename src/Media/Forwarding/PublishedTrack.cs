using CommunityStream.WebRtc.Sdp;

namespace CommunityStream.Media.Forwarding;

/// <summary>What the publisher's answer agreed on for one kind: payload type, codec and clock rate.</summary>
internal sealed record PublishedTrack(MediaKind Kind, byte PayloadType, string Codec, int ClockRate)
{
    public static IReadOnlyList<PublishedTrack> From(SdpAnswer answer) =>
        answer.Media
            .Select(m => new PublishedTrack(
                m.Kind == "audio" ? MediaKind.Audio : MediaKind.Video,
                (byte)m.Codec.PayloadType,
                m.Codec.Name,
                m.Codec.ClockRate))
            .ToList();
}

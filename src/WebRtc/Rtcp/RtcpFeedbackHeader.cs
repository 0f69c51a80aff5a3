using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Rtcp;

/// <summary>
/// The common part of RTPFB/PSFB feedback messages (RFC 4585 §6.1): sender SSRC, media source SSRC, then the
/// format-specific Feedback Control Information (FCI).
/// </summary>
internal static class RtcpFeedbackHeader
{
    public const int Length = RtcpPacket.HeaderLength + 8;

    public static bool TryRead(in RtcpPacket packet, byte packetType, int format, out uint senderSsrc, out uint mediaSsrc, out ReadOnlySpan<byte> fci)
    {
        senderSsrc = 0;
        mediaSsrc = 0;
        fci = default;
        if (packet.PacketType != packetType || packet.Count != format || packet.Body.Length < 8)
        {
            return false;
        }

        senderSsrc = BinaryPrimitives.ReadUInt32BigEndian(packet.Body);
        mediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(packet.Body[4..]);
        fci = packet.Body[8..];
        return true;
    }

    public static void Write(Span<byte> destination, byte packetType, int format, int totalLength, uint senderSsrc, uint mediaSsrc)
    {
        RtcpPacket.EnsureRoom(destination, totalLength);
        RtcpPacket.WriteHeader(destination, format, packetType, totalLength);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
    }
}

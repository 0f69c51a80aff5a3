namespace CommunityStream.WebRtc.Rtcp;

/// <summary>Picture Loss Indication (RFC 4585 §6.3.1): PSFB FMT 1 without FCI; asks the sender for a key frame.</summary>
public static class RtcpPictureLossIndication
{
    /// <summary>Reads a PLI: who asks (<paramref name="senderSsrc"/>) for a key frame of which stream (<paramref name="mediaSsrc"/>); false (counted) otherwise.</summary>
    public static bool TryParse(in RtcpPacket packet, out uint senderSsrc, out uint mediaSsrc)
    {
        if (RtcpFeedbackHeader.TryRead(packet, RtcpPacketType.PayloadFeedback, RtcpPacketType.FormatPictureLossIndication, out senderSsrc, out mediaSsrc, out _))
        {
            return true;
        }

        ParseFailureCounters.RtcpRejected();
        return false;
    }

    /// <summary>Writes a PLI asking <paramref name="mediaSsrc"/> for a key frame; returns the bytes written (12).</summary>
    public static int Write(Span<byte> destination, uint senderSsrc, uint mediaSsrc)
    {
        RtcpFeedbackHeader.Write(
            destination, RtcpPacketType.PayloadFeedback, RtcpPacketType.FormatPictureLossIndication, RtcpFeedbackHeader.Length, senderSsrc, mediaSsrc);
        return RtcpFeedbackHeader.Length;
    }
}

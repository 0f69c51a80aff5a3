namespace CommunityStream.WebRtc.Rtcp;

/// <summary>Picture Loss Indication (RFC 4585 §6.3.1): PSFB FMT 1 without FCI; asks the sender for a key frame.</summary>
public static class RtcpPictureLossIndication
{
    public static bool TryParse(in RtcpPacket packet, out uint senderSsrc, out uint mediaSsrc)
    {
        if (RtcpFeedbackHeader.TryRead(packet, RtcpPacketType.PayloadFeedback, RtcpPacketType.FormatPictureLossIndication, out senderSsrc, out mediaSsrc, out _))
        {
            return true;
        }

        ParseFailureCounters.RtcpRejected();
        return false;
    }

    public static int Write(Span<byte> destination, uint senderSsrc, uint mediaSsrc)
    {
        RtcpFeedbackHeader.Write(
            destination, RtcpPacketType.PayloadFeedback, RtcpPacketType.FormatPictureLossIndication, RtcpFeedbackHeader.Length, senderSsrc, mediaSsrc);
        return RtcpFeedbackHeader.Length;
    }
}

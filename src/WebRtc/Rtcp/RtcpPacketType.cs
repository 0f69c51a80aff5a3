namespace CommunityStream.WebRtc.Rtcp;

/// <summary>RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1) and the feedback formats this transport handles.</summary>
public static class RtcpPacketType
{
    public const byte SenderReport = 200;
    public const byte ReceiverReport = 201;
    public const byte SourceDescription = 202;
    public const byte Goodbye = 203;
    public const byte Application = 204;

    /// <summary>Transport-layer feedback (RFC 4585 §6.2).</summary>
    public const byte TransportFeedback = 205;

    /// <summary>Payload-specific feedback (RFC 4585 §6.3).</summary>
    public const byte PayloadFeedback = 206;

    // RTPFB formats.
    public const int FormatGenericNack = 1;
    public const int FormatTransportWideCc = 15;

    // PSFB formats.
    public const int FormatPictureLossIndication = 1;
    public const int FormatFullIntraRequest = 4;
    public const int FormatApplicationLayer = 15;
}

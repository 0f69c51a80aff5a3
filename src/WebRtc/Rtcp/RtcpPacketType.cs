namespace CommunityStream.WebRtc.Rtcp;

/// <summary>RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1) and the feedback formats this library reads or recognises.</summary>
public static class RtcpPacketType
{
    /// <summary>SR (RFC 3550 §6.4.1).</summary>
    public const byte SenderReport = 200;
    /// <summary>RR (RFC 3550 §6.4.2).</summary>
    public const byte ReceiverReport = 201;
    /// <summary>SDES (RFC 3550 §6.5); walked past, not parsed.</summary>
    public const byte SourceDescription = 202;
    /// <summary>BYE (RFC 3550 §6.6).</summary>
    public const byte Goodbye = 203;
    /// <summary>APP (RFC 3550 §6.7); walked past, not parsed.</summary>
    public const byte Application = 204;

    /// <summary>Transport-layer feedback (RFC 4585 §6.2).</summary>
    public const byte TransportFeedback = 205;

    /// <summary>Payload-specific feedback (RFC 4585 §6.3).</summary>
    public const byte PayloadFeedback = 206;

    // RTPFB formats.
    /// <summary>RTPFB FMT 1: generic NACK (RFC 4585 §6.2.1).</summary>
    public const int FormatGenericNack = 1;
    /// <summary>RTPFB FMT 15: transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01); recognised, not parsed.</summary>
    public const int FormatTransportWideCc = 15;

    // PSFB formats.
    /// <summary>PSFB FMT 1: Picture Loss Indication (RFC 4585 §6.3.1).</summary>
    public const int FormatPictureLossIndication = 1;
    /// <summary>PSFB FMT 4: Full Intra Request (RFC 5104 §4.3.1); recognised by type and format, its FCI not parsed.</summary>
    public const int FormatFullIntraRequest = 4;
    /// <summary>PSFB FMT 15: application layer feedback, e.g. REMB.</summary>
    public const int FormatApplicationLayer = 15;
}

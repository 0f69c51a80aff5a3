namespace CommunityStream.WebRtc.Transport;

/// <summary>Receives a decrypted RTP or RTCP packet; the span is only valid during the call.</summary>
public delegate void PacketHandler(WebRtcTransport transport, Span<byte> packet);

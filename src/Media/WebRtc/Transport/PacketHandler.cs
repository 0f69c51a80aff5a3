namespace CommunityStream.Media.WebRtc.Transport;

/// <summary>Receives a decrypted RTP or RTCP packet; the span is only valid during the call.</summary>
internal delegate void PacketHandler(WebRtcTransport transport, Span<byte> packet);

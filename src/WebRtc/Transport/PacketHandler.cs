namespace CommunityStream.WebRtc.Transport;

/// <summary>
/// Receives a decrypted RTP or RTCP packet on the endpoint's receive thread; the span is only valid during the call and
/// may be modified in place (e.g. to rewrite the header before forwarding).
/// </summary>
/// <param name="transport">The transport the packet arrived on.</param>
/// <param name="packet">The packet, SRTP/SRTCP protection removed.</param>
public delegate void PacketHandler(WebRtcTransport transport, Span<byte> packet);

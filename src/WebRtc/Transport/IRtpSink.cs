namespace CommunityStream.WebRtc.Transport;

/// <summary>
/// Where plain RTP and RTCP for one remote peer go: a <see cref="WebRtcTransport"/> protects and sends them; a test or
/// benchmark may capture them instead. <see cref="TryProtectRtp"/> serves batched sends through a <see cref="UdpBatchSender"/>.
/// </summary>
public interface IRtpSink
{
    /// <summary>Protects and sends one RTP packet; false (nothing sent) before the keys exist, after close, or if it does not fit.</summary>
    bool SendRtp(ReadOnlySpan<byte> packet);

    /// <summary>Protects and sends one RTCP (compound) packet; false as for <see cref="SendRtp"/>.</summary>
    bool SendRtcp(ReadOnlySpan<byte> packet);

    /// <summary>
    /// Protects the RTP packet in <paramref name="buffer"/> in place for a batched send and says where it goes;
    /// false (nothing to send) before the keys exist or after close.
    /// </summary>
    bool TryProtectRtp(Span<byte> buffer, int length, out int protectedLength, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out System.Net.SocketAddress? destination);
}

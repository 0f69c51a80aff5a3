namespace CommunityStream.WebRtc.Transport;

/// <summary>Where a forwarder's packets go: a viewer's transport (protects and sends), or a test's capture.</summary>
public interface IRtpSink
{
    bool SendRtp(ReadOnlySpan<byte> packet);

    bool SendRtcp(ReadOnlySpan<byte> packet);

    /// <summary>
    /// Protects the RTP packet in <paramref name="buffer"/> in place for a batched send and says where it goes;
    /// false (nothing to send) before the keys exist or after close.
    /// </summary>
    bool TryProtectRtp(Span<byte> buffer, int length, out int protectedLength, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out System.Net.SocketAddress? destination);
}

using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Sessions;

/// <summary>Receives one decrypted RTP or RTCP packet of a session; the span is only valid during the call.</summary>
internal delegate void ReceivedPacket(Span<byte> packet);

/// <summary>
/// A session's WebRTC transport as its owner uses it (<see cref="WebRtcSessionTransport"/>; a stand-in in tests).
/// Packets are handed over on the receive thread, never through the owner's mailbox; the owner hears of the
/// transport's state only through <see cref="Connected"/> and <see cref="Closed"/>.
/// </summary>
internal interface ISessionTransport : IDisposable
{
    /// <summary>Our ICE ufrag from the answer (the session's <c>ETag</c>).</summary>
    string LocalUfrag { get; }

    /// <summary>The client's ICE ufrag from its offer.</summary>
    string RemoteUfrag { get; }

    /// <summary>Where a viewer's forwarder writes and protects its copies.</summary>
    IRtpSink Sink { get; }

    /// <summary>Completes when DTLS is up; faults when it fails or the transport closes first.</summary>
    Task Connected { get; }

    /// <summary>Completes with the reason once the transport has closed (consent lost, DTLS failure, disposal).</summary>
    Task<string> Closed { get; }

    ReceivedPacket? RtpReceived { get; set; }

    ReceivedPacket? RtcpReceived { get; set; }

    /// <summary>Protects and sends one RTCP compound packet; false before the keys exist or after close.</summary>
    bool SendRtcp(ReadOnlySpan<byte> packet);
}

using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Sessions;

/// <summary>
/// A <see cref="WebRtcTransport"/> as a session's owner uses it. Made right after the transport, so no close is
/// missed: <see cref="Closed"/> keeps the reason for an owner that starts later.
/// </summary>
internal sealed class WebRtcSessionTransport : ISessionTransport
{
    private readonly WebRtcTransport _transport;
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ReceivedPacket? _rtpReceived;
    private ReceivedPacket? _rtcpReceived;

    public WebRtcSessionTransport(WebRtcTransport transport)
    {
        _transport = transport;
        transport.Closed += (_, reason) => _closed.TrySetResult(reason);
    }

    public string LocalUfrag => _transport.Local.Ufrag;

    public string RemoteUfrag => _transport.RemoteUfrag;

    public IRtpSink Sink => _transport;

    public Task Connected => _transport.Connected;

    public Task<string> Closed => _closed.Task;

    public ReceivedPacket? RtpReceived
    {
        get => _rtpReceived;
        set
        {
            _rtpReceived = value;
            _transport.RtpReceived = value is null ? null : (_, packet) => value(packet);
        }
    }

    public ReceivedPacket? RtcpReceived
    {
        get => _rtcpReceived;
        set
        {
            _rtcpReceived = value;
            _transport.RtcpReceived = value is null ? null : (_, packet) => value(packet);
        }
    }

    public bool SendRtcp(ReadOnlySpan<byte> packet) => _transport.SendRtcp(packet);

    public void Dispose() => _transport.Dispose();
}

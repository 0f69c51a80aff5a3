using CommunityStream.Media.Forwarding;
using CommunityStream.WebRtc.Rtcp;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Sessions;

/// <summary>
/// A WHEP viewer on this node. Once DTLS is up its forwarder joins the feed's fan-out and the publisher is asked
/// for a keyframe so the picture starts at once. Its PLI/FIR go (aggregated) to the publisher; its NACKs are
/// answered from the stream's retransmission buffer. The session ends on DELETE, when the viewer goes away
/// (consent), or when the stream ends, with an RTCP BYE and a DTLS close_notify.
/// </summary>
internal sealed class ViewerSession : IMediaSession
{
    private readonly WebRtcTransport _transport;
    private readonly ILiveFeed _feed;
    private readonly MediaSessions _sessions;
    private int _closed;

    public ViewerSession(string id, string channel, WebRtcTransport transport, ViewerForwarder forwarder, ILiveFeed feed, MediaSessions sessions)
    {
        Id = id;
        Channel = channel;
        ETag = $"\"{transport.Local.Ufrag}\"";
        Forwarder = forwarder;
        _transport = transport;
        _feed = feed;
        _sessions = sessions;
        transport.RtcpReceived = OnRtcp;
        transport.Closed += (_, reason) => Close(reason);
        feed.Attach(this);
        transport.Connected.ContinueWith(connected =>
        {
            if (connected.IsCompletedSuccessfully && Volatile.Read(ref _closed) == 0)
            {
                feed.Fanout.Add(forwarder);
                feed.RequestKeyframe();
            }
        }, TaskScheduler.Default);
    }

    public string Id { get; }

    public string Channel { get; }

    public string ETag { get; }

    public string RemoteUfrag => _transport.RemoteUfrag;

    public ViewerForwarder Forwarder { get; }

    public WebRtcTransport Transport => _transport;

    public long KeyframeRequests;

    public long NacksReceived;

    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }
        _feed.Fanout.Remove(Forwarder);
        _feed.Detach(this);
        _sessions.Remove(this);
        SendGoodbye();
        _transport.Dispose();
    }

    private void SendGoodbye()
    {
        Span<uint> ssrcs = stackalloc uint[2];
        var count = 0;
        foreach (var kind in (ReadOnlySpan<MediaKind>)[MediaKind.Audio, MediaKind.Video])
        {
            if (Forwarder.SsrcOf(kind) is { } ssrc)
            {
                ssrcs[count++] = ssrc;
            }
        }
        Span<byte> bye = stackalloc byte[64];
        var length = RtcpGoodbye.Write(bye, ssrcs[..count]);
        _transport.SendRtcp(bye[..length]);
    }

    private void OnRtcp(WebRtcTransport from, Span<byte> packet)
    {
        Span<ushort> lost = stackalloc ushort[64];
        var reader = new RtcpCompoundReader(packet);
        while (reader.TryReadNext(out var rtcp))
        {
            if (rtcp.PacketType == RtcpPacketType.PayloadFeedback
                && rtcp.Count is RtcpPacketType.FormatPictureLossIndication or RtcpPacketType.FormatFullIntraRequest)
            {
                Interlocked.Increment(ref KeyframeRequests);
                _feed.RequestKeyframe();
            }
            else if (rtcp.PacketType == RtcpPacketType.TransportFeedback && rtcp.Count == RtcpPacketType.FormatGenericNack)
            {
                var count = RtcpGenericNack.ReadLostSequenceNumbers(in rtcp, out _, out var mediaSsrc, lost);
                if (count > 0)
                {
                    Interlocked.Increment(ref NacksReceived);
                    Forwarder.Retransmit(mediaSsrc, lost[..count], _feed.Fanout.Retransmissions);
                }
            }
        }
    }
}

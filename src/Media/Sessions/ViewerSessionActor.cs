using Akka.Actor;
using Akka.Event;
using CommunityStream.Media.Forwarding;
using CommunityStream.WebRtc.Rtcp;

namespace CommunityStream.Media.Sessions;

/// <summary>
/// The one owner of a WHEP viewer's session, a child of its feed's owner (so the viewer ends when the stream or the
/// relay does). Once DTLS is up its forwarder joins the feed's fan-out and the feed is asked for a keyframe so the
/// picture starts at once; joining and leaving the fan-out both happen here, one message at a time, so a viewer that
/// closes while it connects never stays in the fan-out. Its PLI/FIR go to the feed's owner (which aggregates); its
/// NACKs are answered from the stream's retransmission buffer on the receive thread. The session ends on DELETE,
/// when the viewer goes away (consent), or when the feed ends, with an RTCP BYE and a DTLS close_notify.
/// </summary>
internal sealed class ViewerSessionActor : ReceiveActor
{
    private readonly SessionResource _resource;
    private readonly ISessionTransport _transport;
    private readonly ViewerForwarder _forwarder;
    private readonly StreamFanout _fanout;
    private readonly MediaSessions _sessions;
    private readonly IActorRef _feed;
    private readonly IActorRef _replyTo;

    public ViewerSessionActor(SessionCommands.OpenViewer open, LiveFeed feed, MediaSessions sessions, IActorRef replyTo)
    {
        _transport = open.Transport;
        _forwarder = open.Forwarder;
        _resource = new SessionResource(open.Id, feed.Channel, Publisher: false, SessionResource.ETagOf(_transport), _transport.RemoteUfrag, Self);
        _fanout = feed.Fanout;
        _sessions = sessions;
        _feed = Context.Parent;
        _replyTo = replyTo;

        Receive<TransportConnected>(_ =>
        {
            _fanout.Add(_forwarder);
            _feed.Tell(SessionCommands.RequestKeyframe.Instance);
        });
        Receive<SessionCommands.Close>(_ => Stop());
        Receive<TransportClosed>(_ => Stop());
    }

    /// <summary>Opens a viewer of <paramref name="feed"/> as a child of its owner (whose context this is); the viewer answers <paramref name="replyTo"/>.</summary>
    public static IActorRef Open(IActorContext feedContext, SessionCommands.OpenViewer open, LiveFeed feed, MediaSessions sessions, IActorRef replyTo) =>
        feedContext.ActorOf(Props.Create(() => new ViewerSessionActor(open, feed, sessions, replyTo)), open.Id);

    protected override void PreStart()
    {
        _sessions.Add(_resource);
        _transport.RtcpReceived = OnRtcp;
        _transport.Connected.PipeTo(Self, success: () => TransportConnected.Instance, failure: _ => new TransportClosed("DTLS did not complete"));
        _transport.Closed.PipeTo(Self, success: reason => new TransportClosed(reason));
        _replyTo.Tell(new SessionReplies.ViewerOpened(_resource.Id));
    }

    /// <summary>Runs however the viewer ends (its own close, or its feed stopping): after any join, so it always leaves the fan-out.</summary>
    protected override void PostStop()
    {
        _fanout.Remove(_forwarder);
        _sessions.Remove(_resource);
        _transport.RtcpReceived = null;
        SendGoodbye();
        _transport.Dispose();
    }

    private void Stop()
    {
        // Out of the directory at once, so a second DELETE does not find the session while it stops.
        _sessions.Remove(_resource);
        Context.Stop(Self);
    }

    private void SendGoodbye()
    {
        Span<uint> ssrcs = stackalloc uint[2];
        var count = 0;
        foreach (var kind in (ReadOnlySpan<MediaKind>)[MediaKind.Audio, MediaKind.Video])
        {
            if (_forwarder.SsrcOf(kind) is { } ssrc)
            {
                ssrcs[count++] = ssrc;
            }
        }
        Span<byte> bye = stackalloc byte[64];
        var length = RtcpGoodbye.Write(bye, ssrcs[..count]);
        _transport.SendRtcp(bye[..length]);
    }

    // On the receive thread: reads only what never changes, and tells the feed's owner.
    private void OnRtcp(Span<byte> packet)
    {
        Span<ushort> lost = stackalloc ushort[64];
        var reader = new RtcpCompoundReader(packet);
        while (reader.TryReadNext(out var rtcp))
        {
            if (rtcp.PacketType == RtcpPacketType.PayloadFeedback
                && rtcp.Count is RtcpPacketType.FormatPictureLossIndication or RtcpPacketType.FormatFullIntraRequest)
            {
                _sessions.Counters.KeyframeRequestReceived();
                _feed.Tell(SessionCommands.RequestKeyframe.Instance);
            }
            else if (rtcp.PacketType == RtcpPacketType.TransportFeedback && rtcp.Count == RtcpPacketType.FormatGenericNack)
            {
                _sessions.Counters.NackReceived();
                var count = RtcpGenericNack.ReadLostSequenceNumbers(in rtcp, out _, out var mediaSsrc, lost);
                if (count > 0)
                {
                    _forwarder.Retransmit(mediaSsrc, lost[..count], _fanout.Retransmissions);
                }
            }
        }
    }

    private sealed class TransportConnected : INoSerializationVerificationNeeded, IDeadLetterSuppression
    {
        public static readonly TransportConnected Instance = new();
    }

    /// <summary>The transport closed (consent lost, DTLS failure); piped in, so it may come after a stop (not logged then).</summary>
    private sealed record TransportClosed(string Reason) : INoSerializationVerificationNeeded, IDeadLetterSuppression;
}

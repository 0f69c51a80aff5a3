using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Streams;
using CommunityStream.WebRtc.Rtcp;

namespace CommunityStream.Media.Sessions;

/// <summary>
/// The one owner of a WHIP publisher's session on this node, and of the channel's feed here: it registers both,
/// opens viewers as its children (<see cref="SessionCommands.OpenViewer"/>), aggregates their keyframe requests into
/// PLIs to the publisher (at most one per 500 ms), and ends on DELETE, when the transport closes or when a newer
/// session replaces it — its viewers stop first, then the fan-out completes, the stream entity hears
/// <see cref="StreamCommands.StopPublishing"/> and the transport closes. A 250 ms timer sends held-back keyframe
/// requests, and every second an RR (loss, jitter, LSR/DLSR) and a REMB to the publisher and an SR to every viewer;
/// every two seconds it vouches for the session to the <see cref="StreamActor"/> with the quality figures and this
/// node's viewer count. Packets never pass through it: <see cref="PublisherIngest"/> takes them on the receive thread.
/// </summary>
internal sealed class PublisherSessionActor : ReceiveActor, IWithTimers
{
    private const uint OurSsrc = 1;
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(250);

    private readonly SessionCommands.StartPublisher _start;
    private readonly SessionResource _resource;
    private readonly LiveFeed _feed;
    private readonly ISessionTransport _transport;
    private readonly PublisherIngest _ingest;
    private readonly KeyframeRequests _keyframes = new(TimeSpan.FromMilliseconds(500));
    private readonly MediaSessions _sessions;
    private readonly IActorRef _replyTo;
    private int _ticks;
    private int _reportedViewers = -1;
    private string? _closeReason;
    private readonly Hls.HlsPackaging? _hlsPackaging;
    private IDisposable? _hls;

    public PublisherSessionActor(SessionCommands.StartPublisher start, StreamFanout fanout, MediaSessions sessions, IActorRef replyTo, Hls.HlsPackaging? hls = null)
    {
        _hlsPackaging = hls;
        _start = start;
        _transport = start.Transport;
        _resource = new SessionResource(start.Id, start.Channel, Publisher: true, SessionResource.ETagOf(_transport), _transport.RemoteUfrag, Self);
        _feed = new LiveFeed(start.Channel, start.Tracks, fanout, Self, Relayed: false, start.ByAccessToken ? start.StartedAt : null);
        _ingest = new PublisherIngest(start.Tracks, fanout);
        _sessions = sessions;
        _replyTo = replyTo;

        Receive<SessionCommands.OpenViewer>(open => ViewerSessionActor.Open(Context, open, _feed, sessions, Sender));
        Receive<SessionCommands.RequestKeyframe>(_ =>
        {
            if (_keyframes.Request(Stopwatch.GetTimestamp()))
            {
                SendPictureLossIndication();
            }
        });
        Receive<Tick>(_ => OnTick());
        Receive<SessionCommands.Close>(close => Close(close.Reason));
        Receive<TransportClosed>(closed => Close(closed.Reason));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        // A feed left by an earlier session of this channel on this node is stale: the entity just admitted this one.
        _sessions.SetFeed(_feed)?.Owner.Tell(new SessionCommands.Close("replaced by a new session"));
        _sessions.Add(_resource);
        _transport.RtpReceived = _ingest.OnRtp;
        _transport.RtcpReceived = _ingest.OnRtcp;
        _transport.Closed.PipeTo(Self, success: reason => new TransportClosed(reason));
        // LL-HLS of the channel: a packager on the fan-out's hub; its keyframe requests come here like a viewer's.
        _hls = _hlsPackaging?.Start(_feed, Self);
        Timers.StartPeriodicTimer("tick", Tick.Instance, TickInterval);
        _replyTo.Tell(new SessionReplies.FeedStarted(_feed));
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>Runs after every viewer (a child) has stopped: the stream ends here.</summary>
    protected override void PostStop()
    {
        Unregister();
        _transport.RtpReceived = null;
        _transport.RtcpReceived = null;
        _feed.Fanout.Dispose();
        _hls?.Dispose();
        _start.Streams.Tell(new StreamCommands.StopPublishing(_start.Channel, _start.Id, _closeReason ?? "the node is stopping"));
        _transport.Dispose();
    }

    private void Close(string reason)
    {
        _closeReason ??= reason;
        // Out of the directory at once, so no new viewer or DELETE finds this session while it stops.
        Unregister();
        Context.Stop(Self);
    }

    private void Unregister()
    {
        _sessions.Remove(_resource);
        _sessions.RemoveFeed(_feed);
    }

    private void OnTick()
    {
        var now = Stopwatch.GetTimestamp();
        if (_keyframes.Due(now))
        {
            SendPictureLossIndication();
        }
        var tick = ++_ticks;
        if (tick % 4 == 0)
        {
            Span<byte> compound = stackalloc byte[256];
            var length = _ingest.WriteReceiverReport(compound, OurSsrc, _start.MaxBitrate, now);
            if (length > 0)
            {
                _transport.SendRtcp(compound[..length]);
            }
        }
        _feed.Fanout.SendSenderReports(tick, DateTime.UtcNow);
        if (tick % 8 == 0)
        {
            _start.Streams.Tell(new StreamCommands.PublisherHeartbeat(_start.Channel, _start.Id, _start.Node, _start.StartedAt, _ingest.Quality(_keyframes.Requested)));
        }
        var viewers = _feed.Fanout.ViewerCount;
        if (viewers != _reportedViewers || tick % 8 == 0)
        {
            _reportedViewers = viewers;
            _start.Streams.Tell(new StreamCommands.ReportViewers(_start.Channel, _start.Node, viewers));
        }
    }

    private void SendPictureLossIndication()
    {
        var video = _ingest.VideoSsrc;
        if (video == 0)
        {
            return;
        }
        Span<byte> pli = stackalloc byte[12];
        var length = RtcpPictureLossIndication.Write(pli, OurSsrc, video);
        if (_transport.SendRtcp(pli[..length]))
        {
            _sessions.Counters.PictureLossIndicationSent();
        }
    }

    private sealed class Tick : INoSerializationVerificationNeeded
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>The transport closed (consent lost, DTLS failure); piped in, so it may come after a stop (not logged then).</summary>
    private sealed record TransportClosed(string Reason) : INoSerializationVerificationNeeded, IDeadLetterSuppression;
}

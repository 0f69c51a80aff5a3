using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Sessions;
using CommunityStream.Media.Streams;

namespace CommunityStream.Media.Relay;

/// <summary>
/// The one owner of a stream published on another node, as this node's viewers see it: one StreamRef source from
/// the publisher's node feeds a local <see cref="StreamFanout"/> exactly like a local publisher would (packets go
/// from the link's stage to the fan-out, never through this actor). It registers the channel's feed here, opens
/// viewers as its children, aggregates their keyframe requests and sends them on (at most one per 500 ms), and sends
/// this node's viewers their sender reports. It ends with the stream (the link completes), on the server stopping,
/// or when it has had no viewers for <see cref="IdleTimeout"/>; its viewers stop with it.
/// </summary>
internal sealed class RelayFeedActor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(250);

    private readonly SessionCommands.StartRelay _start;
    private readonly LiveFeed _feed;
    private readonly KeyframeRequests _keyframes = new(TimeSpan.FromMilliseconds(500));
    private readonly MediaSessions _sessions;
    private readonly IMaterializer _materializer;
    private readonly IActorRef _replyTo;
    private UniqueKillSwitch? _link;
    private int _viewers;
    private long _idleSince = Stopwatch.GetTimestamp();
    private int _reportedViewers = -1;
    private int _ticks;

    public RelayFeedActor(SessionCommands.StartRelay start, StreamFanout fanout, MediaSessions sessions, IMaterializer materializer, IActorRef replyTo)
    {
        _start = start;
        _feed = new LiveFeed(start.Channel, start.Tracks, fanout, Self, Relayed: true);
        _sessions = sessions;
        _materializer = materializer;
        _replyTo = replyTo;

        Receive<SessionCommands.OpenViewer>(open =>
        {
            Context.Watch(ViewerSessionActor.Open(Context, open, _feed, sessions, Sender));
            _viewers++;
        });
        Receive<Terminated>(_ =>
        {
            if (--_viewers == 0)
            {
                _idleSince = Stopwatch.GetTimestamp();
            }
        });
        Receive<SessionCommands.RequestKeyframe>(_ =>
        {
            if (_keyframes.Request(Stopwatch.GetTimestamp()))
            {
                _start.Origin.Tell(new RelayMessages.KeyframeWanted(_start.Channel));
            }
        });
        Receive<Tick>(_ => OnTick());
        Receive<SessionCommands.Close>(_ => Close());
        Receive<LinkEnded>(_ => Close());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        var (link, completion) = _start.Source.Source
            .ViaMaterialized(KillSwitches.Single<MediaPacket>(), Keep.Right)
            .ToMaterialized(Sink.ForEach<MediaPacket>(_feed.Fanout.Offer), Keep.Both)
            .Run(_materializer);
        _link = link;
        completion.PipeTo(Self, success: () => LinkEnded.Instance, failure: _ => LinkEnded.Instance);
        _sessions.SetFeed(_feed)?.Owner.Tell(new SessionCommands.Close("replaced by a new feed"));
        Timers.StartPeriodicTimer("tick", Tick.Instance, TickInterval);
        _replyTo.Tell(new SessionReplies.FeedStarted(_feed));
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>Runs after every viewer (a child) has stopped.</summary>
    protected override void PostStop()
    {
        _sessions.RemoveFeed(_feed);
        _link?.Shutdown();
        _feed.Fanout.Dispose();
        _start.Streams.Tell(new StreamCommands.ReportViewers(_start.Channel, _start.Node, 0));
    }

    private void Close()
    {
        // Out of the directory at once: a viewer arriving now opens a new relay rather than joining this one.
        _sessions.RemoveFeed(_feed);
        Context.Stop(Self);
    }

    private void OnTick()
    {
        var now = Stopwatch.GetTimestamp();
        if (_keyframes.Due(now))
        {
            _start.Origin.Tell(new RelayMessages.KeyframeWanted(_start.Channel));
        }
        if (_viewers == 0 && Stopwatch.GetElapsedTime(_idleSince, now) > IdleTimeout)
        {
            Close();
            return;
        }
        var tick = ++_ticks;
        // This node's viewers get their sender reports from here, as a publisher's node's viewers do from the publisher's session.
        _feed.Fanout.SendSenderReports(tick, DateTime.UtcNow);
        var watching = _feed.Fanout.ViewerCount;
        if (watching != _reportedViewers || tick % 8 == 0)
        {
            _reportedViewers = watching;
            _start.Streams.Tell(new StreamCommands.ReportViewers(_start.Channel, _start.Node, watching));
        }
    }

    private sealed class Tick : INoSerializationVerificationNeeded
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>The link from the publisher's node completed or failed: the stream ended there (or the link broke).</summary>
    private sealed class LinkEnded : INoSerializationVerificationNeeded, IDeadLetterSuppression
    {
        public static readonly LinkEnded Instance = new();
    }
}

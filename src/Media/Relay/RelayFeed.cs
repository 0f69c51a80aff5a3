using System.Diagnostics;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Sessions;
using CommunityStream.Media.Streams;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Relay;

/// <summary>
/// A stream published on another node, as this node's viewers see it: one StreamRef source from the publisher's
/// node feeds a local <see cref="StreamFanout"/> exactly like a local publisher would. Keyframe requests are
/// aggregated here and sent on; NACKs are answered from the local retransmission buffer. The relay ends with the
/// stream, or when it has had no viewers for <see cref="IdleTimeout"/>.
/// </summary>
internal sealed class RelayFeed : ILiveFeed, IDisposable
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    private readonly ActorSelection _origin;
    private readonly MediaSessions _sessions;
    private readonly IActorRef _streams;
    private readonly string _node;
    private readonly UniqueKillSwitch _link;
    private readonly KeyframeRequests _keyframes = new(TimeSpan.FromMilliseconds(500));
    private readonly AttachedViewers _viewers = new();
    private readonly Timer _timer;
    private long _idleSince = Stopwatch.GetTimestamp();
    private int _reportedViewers = -1;
    private int _ticks;
    private int _closed;

    public RelayFeed(string channel, IReadOnlyList<PublishedTrack> tracks, ISourceRef<MediaPacket> source, ActorSelection origin, MediaSessions sessions, IActorRef streams, string node, IMaterializer materializer, Func<UdpBatchSender> newBatch)
    {
        Channel = channel;
        Tracks = tracks;
        Fanout = new StreamFanout(materializer, newBatch(), newBatch: newBatch);
        _origin = origin;
        _sessions = sessions;
        _streams = streams;
        _node = node;
        var (link, completion) = source.Source
            .ViaMaterialized(KillSwitches.Single<MediaPacket>(), Keep.Right)
            .ToMaterialized(Sink.ForEach<MediaPacket>(Fanout.Offer), Keep.Both)
            .Run(materializer);
        _link = link;
        completion.ContinueWith(_ => Close("the publisher's stream ended"), TaskScheduler.Default);
        _timer = new Timer(_ => OnTick(), null, 250, 250);
    }

    public string Channel { get; }

    public StreamFanout Fanout { get; }

    public IReadOnlyList<PublishedTrack> Tracks { get; }

    public void RequestKeyframe()
    {
        if (_keyframes.Request(Stopwatch.GetTimestamp()))
        {
            _origin.Tell(new RelayMessages.KeyframeWanted(Channel));
        }
    }

    public void Attach(ViewerSession viewer) => _viewers.Add(viewer);

    public void Detach(ViewerSession viewer)
    {
        if (_viewers.Remove(viewer) == 0)
        {
            Volatile.Write(ref _idleSince, Stopwatch.GetTimestamp());
        }
    }

    public void Dispose() => Close("disposed");

    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }
        _timer.Dispose();
        _link.Shutdown();
        _sessions.RemoveFeed(this);
        Fanout.Dispose();
        _viewers.CloseAll(reason);
        _streams.Tell(new StreamCommands.ReportViewers(Channel, _node, 0));
    }

    private void OnTick()
    {
        var now = Stopwatch.GetTimestamp();
        if (_keyframes.Due(now))
        {
            _origin.Tell(new RelayMessages.KeyframeWanted(Channel));
        }
        if (_viewers.Count == 0 && Stopwatch.GetElapsedTime(Volatile.Read(ref _idleSince), now) > IdleTimeout)
        {
            Close("no viewers");
            return;
        }
        var tick = ++_ticks;
        // This node's viewers get their sender reports from here, as a publisher's node's viewers do from the publisher's session.
        Fanout.SendSenderReports(tick, DateTime.UtcNow);
        var watching = Fanout.ViewerCount;
        if (watching != _reportedViewers || tick % 8 == 0)
        {
            _reportedViewers = watching;
            _streams.Tell(new StreamCommands.ReportViewers(Channel, _node, watching));
        }
    }
}

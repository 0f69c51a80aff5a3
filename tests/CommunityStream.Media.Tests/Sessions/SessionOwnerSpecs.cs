using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.TestKit;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Sessions;
using CommunityStream.Media.Streams;
using CommunityStream.Media.Tests.Forwarding;
using CommunityStream.WebRtc.Rtcp;
using CommunityStream.WebRtc.Rtp;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Tests.Sessions;

/// <summary>
/// The owners of media sessions on a plain ActorSystem, with stand-in transports whose DTLS completion the test
/// decides: a viewer joins the fan-out only while its session is open, and every viewer ends with its feed —
/// including the ones that close, or whose feed ends, while they are being added.
/// </summary>
public sealed class SessionOwnerSpecs : Akka.TestKit.Xunit2.TestKit
{
    private const string Channel = "alice";
    private static readonly TimeSpan RaceBudget = TimeSpan.FromSeconds(20);

    private readonly MediaSessions _sessions = new();
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly TestProbe _streams;
    private readonly IActorRef _feeds;

    public SessionOwnerSpecs()
        : base(ConfigurationFactory.ParseString("akka.loglevel = WARNING"))
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _streams = CreateTestProbe();
        var materializer = Sys.Materializer();
        Func<StreamFanout> newFanout = () => new StreamFanout(materializer, new UdpBatchSender(_socket));
        _feeds = Sys.ActorOf(Props.Create(() => new MediaFeedsActor(_sessions, newFanout, materializer)), MediaFeedsActor.Name);
    }

    [Fact]
    public async Task Should_add_a_viewer_once_connected_ask_the_publisher_for_a_keyframe_and_end_it_with_a_goodbye()
    {
        var publisher = new FakeSessionTransport();
        var (feed, publisherId) = await StartPublisherAsync(publisher);
        SendVideo(publisher);
        var (viewer, forwarder, id) = NewViewer(feed);

        Assert.True(await SessionAsks.OpenViewerAsync(feed, new SessionCommands.OpenViewer(id, viewer, forwarder), CancellationToken.None));
        Assert.NotNull(_sessions.Find(Channel, id, publisher: false));
        Assert.Equal(0, feed.Fanout.ViewerCount);

        viewer.CompleteConnected();
        await Eventually.True(() => feed.Fanout.Viewers.Contains(forwarder), TimeSpan.FromSeconds(5), "the connected viewer in the fan-out");
        // Its join asked the publisher for a keyframe: one PLI for the publisher's video SSRC.
        await Eventually.True(() => publisher.RtcpSent.Any(IsPictureLossIndication), TimeSpan.FromSeconds(5), "a PLI to the publisher");

        Assert.True(await SessionAsks.CloseAsync(_sessions.Find(Channel, publisherId, publisher: true)!.Owner, "deleted by the publisher", CancellationToken.None));
        Assert.True(viewer.IsClosed);
        Assert.True(publisher.IsClosed);
        Assert.Equal(0, feed.Fanout.ViewerCount);
        Assert.Contains(viewer.RtcpSent, IsGoodbye);
        Assert.Empty(_sessions.All());
        Assert.Null(_sessions.FindFeed(Channel));
        _streams.FishForMessage<StreamCommands.StopPublishing>(stop => stop.SessionId == publisherId && stop.Reason == "deleted by the publisher", TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// Connected and DELETE concurrently, round after round. Checked against the old ordering — the join checked a
    /// "closed" flag off the owner and then added to the fan-out, while a close set the flag and removed — which
    /// left a closed viewer in the fan-out within about a dozen rounds in each of five runs.
    /// </summary>
    [Fact]
    public async Task Should_leave_a_viewer_that_closes_while_it_is_added_out_of_the_fanout_with_its_transport_closed()
    {
        var (feed, _) = await StartPublisherAsync(new FakeSessionTransport());
        // A crowd on the stream that keeps joining and leaving, as a popular stream's does: every join and leave copies
        // the fan-out's viewer list under its lock, so a viewer's own join or leave often waits there for a while.
        var crowd = Enumerable.Range(0, 4_000).Select(_ => NewViewer(feed).Forwarder).ToArray();
        foreach (var member in crowd)
        {
            feed.Fanout.Add(member);
        }
        using var stopChurn = new CancellationTokenSource();
        var churn = Task.Run(() =>
        {
            for (var i = 0; !stopChurn.IsCancellationRequested; i++)
            {
                feed.Fanout.Remove(crowd[i % crowd.Length]);
                feed.Fanout.Add(crowd[i % crowd.Length]);
            }
        });

        var budget = Stopwatch.StartNew();
        var rounds = 0;
        try
        {
            for (; rounds < 300 && budget.Elapsed < RaceBudget; rounds++)
            {
                var (viewer, forwarder, id) = NewViewer(feed);
                Assert.True(await SessionAsks.OpenViewerAsync(feed, new SessionCommands.OpenViewer(id, viewer, forwarder), CancellationToken.None));
                var owner = _sessions.Find(Channel, id, publisher: false)!.Owner;

                // DTLS completes (the viewer is due to join the fan-out) just as its DELETE arrives.
                using var go = new Barrier(2);
                var connect = Task.Run(() =>
                {
                    go.SignalAndWait();
                    viewer.CompleteConnected();
                });
                var delete = Task.Run(() =>
                {
                    go.SignalAndWait();
                    return SessionAsks.CloseAsync(owner, "deleted by the viewer", CancellationToken.None);
                });
                await connect;
                Assert.True(await delete, $"round {rounds}: the viewer's owner stopped");

                Assert.False(feed.Fanout.Viewers.Contains(forwarder), $"round {rounds}: the closed viewer is still in the fan-out");
                Assert.True(viewer.IsClosed, $"round {rounds}: the viewer's transport closed");
                Assert.Null(_sessions.Find(Channel, id, publisher: false));
            }
        }
        finally
        {
            await stopChurn.CancelAsync();
            await churn;
        }
        Assert.True(rounds >= 30, $"only {rounds} rounds ran within {RaceBudget}");
        Assert.True(feed.Fanout.ViewerCount == crowd.Length, $"{feed.Fanout.ViewerCount - crowd.Length} closed viewers are still in the fan-out");
    }

    /// <summary>
    /// Viewers join from four threads while the publisher leaves. Checked against the old ordering — a viewer made
    /// outside its feed that attaches itself afterwards, and a feed that closes the viewers attached when it ends —
    /// which left an open viewer behind in each of five runs.
    /// </summary>
    [Fact]
    public async Task Should_close_every_viewer_that_joins_while_the_publisher_leaves()
    {
        const int ViewersPerRound = 32;
        const int Joiners = 4;
        var budget = Stopwatch.StartNew();
        var rounds = 0;
        for (; rounds < 200 && budget.Elapsed < RaceBudget; rounds++)
        {
            var publisher = new FakeSessionTransport();
            var (feed, publisherId) = await StartPublisherAsync(publisher);
            var viewers = Enumerable.Range(0, ViewersPerRound).Select(_ => NewViewer(feed)).ToArray();
            var opened = 0;
            // The publisher leaves after a different number of joins each round; the rest join while it leaves.
            var leaveAfter = rounds % 16;
            var leaving = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (leaveAfter == 0)
            {
                leaving.TrySetResult();
            }

            // Four "WHEP handlers" open viewers as the HTTP endpoint does, and each viewer's DTLS completes when it opened.
            async Task JoinAsync(int first)
            {
                for (var i = first; i < viewers.Length; i += Joiners)
                {
                    var (viewer, forwarder, id) = viewers[i];
                    if (await SessionAsks.OpenViewerAsync(feed, new SessionCommands.OpenViewer(id, viewer, forwarder), CancellationToken.None))
                    {
                        viewer.CompleteConnected();
                        if (Interlocked.Increment(ref opened) == leaveAfter)
                        {
                            leaving.TrySetResult();
                        }
                    }
                }
            }
            var joins = Task.WhenAll(Enumerable.Range(0, Joiners).Select(first => Task.Run(() => JoinAsync(first))));
            var leave = Task.Run(async () =>
            {
                await leaving.Task.WaitAsync(TimeSpan.FromSeconds(10));
                return await SessionAsks.CloseAsync(feed.Owner, "deleted by the publisher", CancellationToken.None);
            });
            Assert.True(await leave, $"round {rounds}: the publisher's owner stopped");
            await joins;

            // Its viewers stopped before it did; a viewer left behind would stay open (bounded wait, then the asserts say which).
            await WaitUntilAsync(() => viewers.All(v => v.Transport.IsClosed) && feed.Fanout.ViewerCount == 0, TimeSpan.FromSeconds(5));
            foreach (var (viewer, forwarder, id) in viewers)
            {
                Assert.True(viewer.IsClosed, $"round {rounds}: viewer {id} closed");
                Assert.False(feed.Fanout.Viewers.Contains(forwarder), $"round {rounds}: viewer {id} is still in the fan-out");
            }
            Assert.Equal(0, feed.Fanout.ViewerCount);
            Assert.True(publisher.IsClosed);
            Assert.Empty(_sessions.All());
            Assert.Null(_sessions.FindFeed(Channel));
            _streams.FishForMessage<StreamCommands.StopPublishing>(stop => stop.SessionId == publisherId, TimeSpan.FromSeconds(5));
        }
        Assert.True(rounds >= 10, $"only {rounds} rounds ran within {RaceBudget}");
    }

    [Fact]
    public async Task Should_close_a_stale_feed_of_the_channel_when_a_new_publisher_starts()
    {
        var stale = new FakeSessionTransport();
        var (staleFeed, _) = await StartPublisherAsync(stale);
        var (viewer, forwarder, id) = NewViewer(staleFeed);
        Assert.True(await SessionAsks.OpenViewerAsync(staleFeed, new SessionCommands.OpenViewer(id, viewer, forwarder), CancellationToken.None));

        var (feed, _) = await StartPublisherAsync(new FakeSessionTransport());

        Assert.Same(feed, _sessions.FindFeed(Channel));
        await Eventually.True(() => stale.IsClosed && viewer.IsClosed, TimeSpan.FromSeconds(5), "the stale publisher and its viewer to close");
        Assert.Same(feed, _sessions.FindFeed(Channel));
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; the caller asserts afterwards.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (!condition() && waited.Elapsed < timeout)
        {
            await Task.Delay(10);
        }
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _socket.Dispose();
    }

    private async Task<(LiveFeed Feed, string Id)> StartPublisherAsync(FakeSessionTransport transport)
    {
        var id = MediaSessions.NewId();
        var start = new SessionCommands.StartPublisher(id, Channel, transport, ViewerForwarderTests.Published, _streams.Ref, "node-a", DateTimeOffset.UtcNow, 6_000_000);
        var started = Assert.IsType<SessionReplies.FeedStarted>(await SessionAsks.AskAsync(_feeds, start, CancellationToken.None));
        return (started.Feed, id);
    }

    private static (FakeSessionTransport Transport, ViewerForwarder Forwarder, string Id) NewViewer(LiveFeed feed)
    {
        var transport = new FakeSessionTransport();
        return (transport, new ViewerForwarder(transport.Sink, ViewerForwarderTests.ViewerAnswer(), feed.Tracks), MediaSessions.NewId());
    }

    private static void SendVideo(FakeSessionTransport publisher)
    {
        var packet = new byte[64];
        var length = RtpHeader.Write(packet, true, 96, 1, 3000, 0xABCD);
        publisher.RtpReceived!(packet.AsSpan(0, length + 10));
    }

    private static bool IsPictureLossIndication(byte[] rtcp) =>
        new RtcpCompoundReader(rtcp).TryReadNext(out var packet) && packet.PacketType == RtcpPacketType.PayloadFeedback && packet.Count == RtcpPacketType.FormatPictureLossIndication;

    private static bool IsGoodbye(byte[] rtcp) =>
        new RtcpCompoundReader(rtcp).TryReadNext(out var packet) && packet.PacketType == RtcpPacketType.Goodbye;
}

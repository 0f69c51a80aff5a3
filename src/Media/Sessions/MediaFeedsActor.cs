using Akka.Actor;
using Akka.Streams;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Relay;

namespace CommunityStream.Media.Sessions;

/// <summary>The <c>IRequiredActor</c> key of this node's <see cref="MediaFeedsActor"/>.</summary>
internal sealed class MediaFeedsMarker;

/// <summary>
/// The parent of this node's live feeds (<c>/user/media-feeds</c>): it starts one owner per publisher's session
/// (<see cref="PublisherSessionActor"/>) and per relay from another node (<see cref="RelayFeedActor"/>), each with a
/// new <see cref="StreamFanout"/>. An owner that fails is stopped, never restarted: its transport and fan-out do not
/// survive a restart, and stopping it closes them and its viewers.
/// </summary>
internal sealed class MediaFeedsActor : ReceiveActor
{
    public const string Name = "media-feeds";
    private long _relays;

    /// <param name="sessions">The directory the owners register in.</param>
    /// <param name="newFanout">Makes a stream's fan-out (on the node's media socket).</param>
    /// <param name="materializer">Runs the relay links.</param>
    /// <param name="hls">Starts a publisher's LL-HLS output; null without HLS (tests).</param>
    public MediaFeedsActor(MediaSessions sessions, Func<StreamFanout> newFanout, IMaterializer materializer, Hls.HlsPackaging? hls = null)
    {
        Receive<SessionCommands.StartPublisher>(start =>
        {
            var replyTo = Sender;
            var fanout = newFanout();
            Context.ActorOf(Props.Create(() => new PublisherSessionActor(start, fanout, sessions, replyTo, hls)), "publisher-" + start.Id);
        });
        Receive<SessionCommands.StartRelay>(start =>
        {
            var replyTo = Sender;
            var fanout = newFanout();
            // A fresh name per relay: the channel's previous relay may still be stopping.
            Context.ActorOf(Props.Create(() => new RelayFeedActor(start, fanout, sessions, materializer, replyTo)), $"relay-{start.Channel}-{++_relays}");
        });
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);
}

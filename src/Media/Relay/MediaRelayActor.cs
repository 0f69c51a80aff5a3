using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Sessions;

namespace CommunityStream.Media.Relay;

/// <summary>
/// This node's end of the cross-node relay (<c>/user/media-relay</c>). For a stream published here it hands another
/// node one StreamRef source of the stream's packets — attached to the stream's BroadcastHub behind a drop-oldest
/// buffer, so a slow link never stalls the publisher — passes that node's (throttled) keyframe requests to the
/// publisher's session, and answers for the sessions held here when their DELETE or PATCH landed on another node.
/// One relay per viewing node, never one per viewer: the viewing node fans out locally.
/// </summary>
internal sealed class MediaRelayActor : ReceiveActor
{
    public const string Name = "media-relay";
    private const int LinkBuffer = 512;

    public MediaRelayActor(MediaSessions sessions, IMaterializer materializer)
    {
        Receive<RelayMessages.Describe>(describe =>
        {
            Sender.Tell(sessions.FindFeed(describe.Channel) is { Relayed: false } feed
                ? new RelayMessages.Tracks(describe.Channel, feed.Tracks.Select(RelayTrack.From).ToList())
                : new RelayMessages.Unavailable(describe.Channel, "not published on this node"));
        });
        Receive<RelayMessages.Open>(open =>
        {
            if (sessions.FindFeed(open.Channel) is not { Relayed: false } feed)
            {
                Sender.Tell(new RelayMessages.Unavailable(open.Channel, "not published on this node"));
                return;
            }
            sessions.Counters.RelayServed();
            feed.Fanout.Hub
                .Buffer(LinkBuffer, OverflowStrategy.DropHead)
                .RunWith(StreamRefs.SourceRef<MediaPacket>(), materializer)
                .PipeTo(Sender);
        });
        Receive<RelayMessages.KeyframeWanted>(wanted => sessions.FindFeed(wanted.Channel)?.Owner.Tell(SessionCommands.RequestKeyframe.Instance));
        Receive<RelayMessages.EndSession>(end =>
        {
            if (sessions.Find(end.Channel, end.SessionId, end.Publisher) is not { } session)
            {
                Sender.Tell(new RelayMessages.Unavailable(end.Channel, "no such session on this node"));
                return;
            }
            // Answered once the session has ended; a session that does not end in time gets no answer (the asker's timeout).
            var asker = Sender;
            SessionAsks.CloseAsync(session.Owner, end.Publisher ? "deleted by the publisher" : "deleted by the viewer", CancellationToken.None)
                .ContinueWith(ended =>
                {
                    if (ended.IsCompletedSuccessfully && ended.Result)
                    {
                        asker.Tell(new RelayMessages.SessionEnded(end.Channel));
                    }
                }, TaskScheduler.Default);
        });
        Receive<RelayMessages.EndPublication>(end =>
        {
            if (sessions.EndPublicationHere(end.Channel, end.Reason, CancellationToken.None) is not { } ending)
            {
                Sender.Tell(new RelayMessages.Unavailable(end.Channel, "not published on this node"));
                return;
            }
            var asker = Sender;
            ending
                .ContinueWith(ended =>
                {
                    if (ended.IsCompletedSuccessfully && ended.Result)
                    {
                        asker.Tell(new RelayMessages.SessionEnded(end.Channel));
                    }
                }, TaskScheduler.Default);
        });
        Receive<RelayMessages.FindSession>(find =>
        {
            Sender.Tell(sessions.Find(find.Channel, find.SessionId, find.Publisher) is { } session
                ? new RelayMessages.SessionFound(session.RemoteUfrag, session.ETag)
                : new RelayMessages.Unavailable(find.Channel, "no such session on this node"));
        });
    }
}

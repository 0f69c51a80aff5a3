using Akka.Actor;
using CommunityStream.Media.Forwarding;

namespace CommunityStream.Media.Sessions;

/// <summary>
/// A live stream's media on this node, as viewers attach to it: the publisher's session here, or the relay from
/// the publisher's node (<c>Relayed</c>). Its <c>Tracks</c> are what a viewer's answer may offer; its <c>Fanout</c> is
/// the stream's media path here. Its <c>Owner</c> (a <see cref="PublisherSessionActor"/> or a <c>RelayFeedActor</c>)
/// takes <see cref="SessionCommands.OpenViewer"/> and keyframe requests and is the parent of the feed's viewers:
/// when it stops, so do they. Registered and removed by that owner only. <c>TokenStartedAt</c> is when a publisher here
/// started with the owner's access token (null for a stream key and for relays): a later revocation of the owner's
/// sessions ends it.
/// </summary>
internal sealed record LiveFeed(string Channel, IReadOnlyList<PublishedTrack> Tracks, StreamFanout Fanout, IActorRef Owner, bool Relayed, DateTimeOffset? TokenStartedAt = null);

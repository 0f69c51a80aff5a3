using Akka.Actor;
using Akka.Streams;
using CommunityStream.Media.Forwarding;

namespace CommunityStream.Media.Sessions;

/// <summary>
/// A message to the owner of a media session on this node (<see cref="PublisherSessionActor"/>,
/// <see cref="ViewerSessionActor"/>, <c>RelayFeedActor</c>) or to <see cref="MediaFeedsActor"/>. Local only: they
/// carry transports and fan-outs.
/// </summary>
internal interface ISessionCommand : INoSerializationVerificationNeeded;

/// <summary>What the session owners are told; each owner handles them one at a time.</summary>
internal static class SessionCommands
{
    /// <summary>Ends the session or feed (DELETE, the server stopping, a newer feed for the channel). A feed's viewers end with it.</summary>
    public sealed record Close(string Reason) : ISessionCommand;

    /// <summary>To a feed's owner: one of its viewers (or a viewing node) wants a keyframe; the owner aggregates.</summary>
    public sealed class RequestKeyframe : ISessionCommand
    {
        public static readonly RequestKeyframe Instance = new();
    }

    /// <summary>
    /// To a feed's owner: open a viewer's session as its child. The child answers <see cref="SessionReplies.ViewerOpened"/>
    /// once registered; a feed that has stopped answers nothing (the asker watches it).
    /// </summary>
    public sealed record OpenViewer(string Id, ISessionTransport Transport, ViewerForwarder Forwarder) : ISessionCommand;

    /// <summary>
    /// To <see cref="MediaFeedsActor"/>: start the owner of a publisher's session, which answers
    /// <see cref="SessionReplies.FeedStarted"/> once it and the channel's feed are registered.
    /// <paramref name="ByAccessToken"/>: started with the owner's access token rather than the stream key.
    /// </summary>
    public sealed record StartPublisher(
        string Id,
        string Channel,
        ISessionTransport Transport,
        IReadOnlyList<PublishedTrack> Tracks,
        IActorRef Streams,
        string Node,
        DateTimeOffset StartedAt,
        ulong MaxBitrate,
        bool ByAccessToken = false) : ISessionCommand;

    /// <summary>To <see cref="MediaFeedsActor"/>: start the feed of a stream published on <paramref name="Origin"/>'s node; answered like <see cref="StartPublisher"/>.</summary>
    public sealed record StartRelay(
        string Channel,
        IReadOnlyList<PublishedTrack> Tracks,
        ISourceRef<MediaPacket> Source,
        ActorSelection Origin,
        IActorRef Streams,
        string Node) : ISessionCommand;
}

/// <summary>Answers of the session owners.</summary>
internal static class SessionReplies
{
    public sealed record FeedStarted(LiveFeed Feed) : INoSerializationVerificationNeeded;

    public sealed record ViewerOpened(string Id) : INoSerializationVerificationNeeded;
}

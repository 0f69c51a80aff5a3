using CommunityStream.Media.Forwarding;

namespace CommunityStream.Media.Relay;

/// <summary>Messages between the relay actors of two nodes (<c>/user/media-relay</c> on each).</summary>
public static class RelayMessages
{
    /// <summary>Asks the publisher's node for the stream's tracks; answered with <see cref="Tracks"/> or <see cref="Unavailable"/>.</summary>
    public sealed record Describe(string Channel);

    public sealed record Tracks(string Channel, IReadOnlyList<RelayTrack> Published);

    /// <summary>Asks for the stream itself; answered with an <c>ISourceRef&lt;MediaPacket&gt;</c> or <see cref="Unavailable"/>.</summary>
    public sealed record Open(string Channel);

    public sealed record Unavailable(string Channel, string Reason);

    /// <summary>A viewer on another node needs a keyframe (already throttled there).</summary>
    public sealed record KeyframeWanted(string Channel);

    /// <summary>
    /// A DELETE that reached another node than the session's: a WHIP one (its stream key already checked there) is
    /// sent to the publisher's node, a WHEP one (the session URL is the capability) to every other node. The node
    /// holding the session ends it and answers <see cref="SessionEnded"/>; the others answer <see cref="Unavailable"/>.
    /// </summary>
    public sealed record EndSession(string Channel, string SessionId, bool Publisher);

    public sealed record SessionEnded(string Channel);

    /// <summary>
    /// An administrator ends the channel's stream, whichever node the request reached: sent to the publisher's node,
    /// which closes the publisher's session as a WHIP DELETE would and answers <see cref="SessionEnded"/> (or
    /// <see cref="Unavailable"/> when the channel is not published there).
    /// </summary>
    public sealed record EndPublication(string Channel, string Reason);

    /// <summary>
    /// A PATCH that reached another node than the session's: the node holding the publisher's (or a viewer's)
    /// session answers <see cref="SessionFound"/>, the rest <see cref="Unavailable"/>.
    /// </summary>
    public sealed record FindSession(string Channel, string SessionId, bool Publisher);

    public sealed record SessionFound(string RemoteUfrag, string ETag);
}

/// <summary><see cref="PublishedTrack"/> in a shape the JSON serializer carries across nodes.</summary>
public sealed record RelayTrack(int Kind, int PayloadType, string Codec, int ClockRate)
{
    internal static RelayTrack From(PublishedTrack track) => new((int)track.Kind, track.PayloadType, track.Codec, track.ClockRate);

    internal PublishedTrack ToTrack() => new((MediaKind)Kind, (byte)PayloadType, Codec, ClockRate);
}

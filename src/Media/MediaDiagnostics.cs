using CommunityStream.Media.Sessions;
using CommunityStream.Media.Streams;

namespace CommunityStream.Media;

/// <summary>
/// What this node's media server says about itself, for operators' tools and end-to-end tests, without reaching
/// into the module: the media socket's port and how a channel's stream reaches this node (its counters are
/// instruments of the <see cref="MediaModule.MeterName"/> meter). Read-only; registered by <see cref="MediaModule.AddMediaModule"/>.
/// </summary>
public sealed class MediaDiagnostics
{
    private readonly MediaServer _server;
    private readonly MediaSessions _sessions;

    internal MediaDiagnostics(MediaServer server, MediaSessions sessions)
    {
        _server = server;
        _sessions = sessions;
    }

    /// <summary>The UDP port of the node's media socket, the one every answer's candidates name.</summary>
    public int UdpPort => _server.Endpoint.LocalEndPoint.Port;


    /// <summary>Whether <paramref name="channel"/>'s stream is published on this node, relayed to it, or neither.</summary>
    public MediaFeedKind Feed(string channel) =>
        ChannelName.TryNormalize(channel) is { } name && _sessions.FindFeed(name) is { } feed
            ? feed.Relayed ? MediaFeedKind.Relayed : MediaFeedKind.Published
            : MediaFeedKind.None;
}

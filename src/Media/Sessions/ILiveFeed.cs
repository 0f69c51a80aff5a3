using CommunityStream.Media.Forwarding;

namespace CommunityStream.Media.Sessions;

/// <summary>A live stream's media on this node, as viewers attach to it: the publisher's own session here.</summary>
internal interface ILiveFeed
{
    string Channel { get; }

    StreamFanout Fanout { get; }

    /// <summary>The tracks the publisher sends (what a viewer's answer may offer).</summary>
    IReadOnlyList<PublishedTrack> Tracks { get; }

    /// <summary>Asks the publisher for a keyframe (throttled and aggregated).</summary>
    void RequestKeyframe();

    /// <summary>A viewer's session attaches; it is closed when the feed ends.</summary>
    void Attach(ViewerSession viewer);

    void Detach(ViewerSession viewer);
}

namespace CommunityStream.Media;

/// <summary>How a channel's live stream reaches this node (<see cref="MediaDiagnostics.Feed"/>).</summary>
public enum MediaFeedKind
{
    /// <summary>Not live here: no publisher on this node and no relay to it.</summary>
    None,

    /// <summary>The publisher's session is on this node.</summary>
    Published,

    /// <summary>Relayed from the publisher's node, for viewers here.</summary>
    Relayed,
}

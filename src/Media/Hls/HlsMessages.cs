namespace CommunityStream.Media.Hls;

/// <summary>Messages between the HLS origin actors of two nodes (<c>/user/media-hls</c> on each).</summary>
public static class HlsMessages
{
    /// <summary>
    /// Asks the publisher's node for the channel's window: answered with an <c>ISourceRef</c> of wire chunks (the
    /// window's events, a snapshot first, then every change) or <see cref="Unavailable"/>. One per node per channel.
    /// </summary>
    public sealed record Subscribe(string Channel);

    /// <summary>Asks whether the channel has HLS on the publisher's node: answered with <see cref="Status"/>.</summary>
    public sealed record GetStatus(string Channel);

    /// <summary>The channel's HLS on its publisher's node; <paramref name="Reason"/> says why not when unavailable.</summary>
    public sealed record Status(string Channel, bool Available, string? Reason);

    public sealed record Unavailable(string Channel, string Reason);
}

/// <summary>
/// A piece of one encoded <see cref="HlsWindowEvent"/> (at most <see cref="HlsWireCodec.MaxChunk"/> bytes), so no
/// remote message comes near Akka.Remote's maximum frame size (128,000 bytes by default) however large a keyframe's
/// part is. <paramref name="Last"/> ends the event.
/// </summary>
public sealed record HlsWireChunk(byte[] Data, bool Last);

using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Hls;

/// <summary>
/// What changes a channel's <see cref="HlsChannelWindow"/>, in order. The publisher's node makes them from the
/// packager's output (its window decides the numbering and where segments start); another node's mirror applies the
/// same events, received over the cluster, so every node serves the same playlist with the same MSNs.
/// </summary>
internal abstract record HlsWindowEvent;

/// <summary>The first event of a window (or of a subscription to one): its names and timing (<paramref name="Settings"/>).</summary>
/// <param name="Epoch">Part of every media URI: names stay unique (and immutable in caches) across restarts of a channel.</param>
/// <param name="Settings">The window's timing (TARGETDURATION, PART-TARGET, retention).</param>
/// <param name="DiscontinuitySequence">EXT-X-DISCONTINUITY-SEQUENCE at the first segment that follows.</param>
internal sealed record HlsWindowBegin(string Epoch, HlsWindowSettings Settings, long DiscontinuitySequence) : HlsWindowEvent;

/// <summary>An initialization segment (ftyp + moov), numbered from 1; parts after it refer to it.</summary>
internal sealed record HlsInitAdded(int Id, ReadOnlyMemory<byte> Bytes) : HlsWindowEvent;

/// <summary>
/// A part (<paramref name="Part"/>, of init segment <paramref name="InitId"/>), numbered twice: <paramref name="Number"/> counts every part of the window (the part URIs and the preload
/// hint use it, so the next part's name is known before anyone knows which segment it will belong to), and
/// <paramref name="Msn"/>/<paramref name="Index"/> place it in its segment. Index 0 starts a segment.
/// </summary>
/// <param name="Number">The part's number in the window (its URI).</param>
/// <param name="Msn">Its segment's media sequence number.</param>
/// <param name="Index">Its place in the segment.</param>
/// <param name="InitId">The init segment it needs.</param>
/// <param name="Part">The CMAF chunk.</param>
/// <param name="Discontinuity">The part starts a segment with a new init segment (EXT-X-DISCONTINUITY).</param>
internal sealed record HlsPartAdded(long Number, long Msn, int Index, int InitId, bool Discontinuity, CmafPart Part) : HlsWindowEvent;

/// <summary>
/// Ends a subscription's snapshot: the window as it was when the subscription began has been sent, so a mirror may
/// serve requests from now on (before, its playlist would lack parts the publisher's node already lists).
/// </summary>
internal sealed record HlsSnapshotSent : HlsWindowEvent
{
    public static readonly HlsSnapshotSent Instance = new();
}

/// <summary>The publisher left: the live segment is complete and the playlist gets EXT-X-ENDLIST.</summary>
internal sealed record HlsWindowEnded : HlsWindowEvent
{
    public static readonly HlsWindowEnded Instance = new();
}

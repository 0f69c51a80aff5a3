namespace CommunityStream.Media.Hls;

/// <summary>The node's HLS counts, kept with Interlocked by request and feed threads and read by the meter.</summary>
internal sealed class HlsCounters
{
    private readonly long[] _requests = new long[Enum.GetValues<HlsRequestKind>().Length];
    private long _parts;
    private long _waiting;
    private long _bytes;
    private long _dropped;
    private long _mirrors;
    private long _refused;
    private long _partsDropped;

    /// <summary>Parts the packagers on this node produced.</summary>
    public long PartsProduced => Interlocked.Read(ref _parts);

    /// <summary>Blocking requests (playlist reloads, preload-hint parts) held now.</summary>
    public long Waiting => Interlocked.Read(ref _waiting);

    /// <summary>Body bytes of HLS responses (playlists, init, segments, parts).</summary>
    public long BytesServed => Interlocked.Read(ref _bytes);

    /// <summary>Packets the HLS feeds dropped because their packager fell behind (drop-oldest).</summary>
    public long PacketsDropped => Interlocked.Read(ref _dropped);

    /// <summary>Subscriptions this node opened to other nodes' windows (one per channel while it has players).</summary>
    public long MirrorsOpened => Interlocked.Read(ref _mirrors);

    public void MirrorOpened() => Interlocked.Increment(ref _mirrors);

    public long Requests(HlsRequestKind kind) => Interlocked.Read(ref _requests[(int)kind]);

    public void PartProduced() => Interlocked.Increment(ref _parts);

    public void PacketDropped() => Interlocked.Increment(ref _dropped);

    /// <summary>Parts the windows on this node dropped for exceeding their byte cap (and the parts after them until a keyframe).</summary>
    public long PartsDropped => Interlocked.Read(ref _partsDropped);

    public void PartDropped() => Interlocked.Increment(ref _partsDropped);

    public void Served(HlsRequestKind kind, long bytes)
    {
        Interlocked.Increment(ref _requests[(int)kind]);
        Interlocked.Add(ref _bytes, bytes);
    }

    /// <summary>Counts a held request unless <paramref name="cap"/> are held already; pair a true answer with <see cref="WaitEnded"/>.</summary>
    public bool TryWaitStart(long cap) => TryIncrement(ref _waiting, cap);

    /// <summary>Requests refused because too many were held (503).</summary>
    public long WaitsRefused => Interlocked.Read(ref _refused);

    public void WaitRefused() => Interlocked.Increment(ref _refused);

    /// <summary>Increments <paramref name="count"/> unless that would exceed <paramref name="cap"/>.</summary>
    internal static bool TryIncrement(ref long count, long cap)
    {
        if (Interlocked.Increment(ref count) <= cap)
        {
            return true;
        }
        Interlocked.Decrement(ref count);
        return false;
    }

    public void WaitEnded() => Interlocked.Decrement(ref _waiting);
}

/// <summary>HLS requests by kind, for the meter's <c>kind</c> tag.</summary>
internal enum HlsRequestKind
{
    Playlist,
    BlockingPlaylist,
    Init,
    Segment,
    Part,
}

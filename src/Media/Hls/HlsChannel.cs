namespace CommunityStream.Media.Hls;

/// <summary>
/// A channel's HLS output as this node knows it: a window fed by the packager here (<see cref="Mirrored"/> false), a
/// mirror of the publisher node's window, or the reason the channel has no HLS (a VP8 or VP9 publisher), with no
/// window. Registered in <see cref="HlsChannels"/>.
/// </summary>
internal sealed class HlsChannel(string name, HlsChannelWindow? window, bool mirrored, string? unavailableReason = null)
{
    private long _lastRequest = Environment.TickCount64;
    private long _waiting;

    public string Name { get; } = name;

    public HlsChannelWindow? Window { get; } = window;

    public bool Mirrored { get; } = mirrored;

    /// <summary>Why this channel has no HLS (null when it has).</summary>
    public string? UnavailableReason { get; } = unavailableReason;

    /// <summary>Milliseconds (<see cref="Environment.TickCount64"/>) of the last request served: an idle mirror closes.</summary>
    public long LastRequest => Interlocked.Read(ref _lastRequest);

    /// <summary>Set when the entry should go (a mirror's link ends, the owner's stop); the registry's owner disposes it.</summary>
    public Action? Close { get; set; }

    /// <summary>Blocking requests held for this channel on this node now.</summary>
    public long Waiting => Interlocked.Read(ref _waiting);

    /// <summary>Counts a held request unless <paramref name="cap"/> are held already; pair a true answer with <see cref="WaitEnded"/>.</summary>
    public bool TryWaitStart(long cap) => HlsCounters.TryIncrement(ref _waiting, cap);

    public void WaitEnded() => Interlocked.Decrement(ref _waiting);

    public void Touch() => Interlocked.Exchange(ref _lastRequest, Environment.TickCount64);
}

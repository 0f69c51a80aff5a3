namespace CommunityStream.Media.Telemetry;

/// <summary>
/// This node's media events that are not per packet (RTCP feedback, keyframe requests, relay links), counted with
/// Interlocked by whichever thread sees them and read by <see cref="MediaMetrics"/> when the meter is collected.
/// </summary>
internal sealed class MediaCounters
{
    private long _nacks;
    private long _keyframeRequestsReceived;
    private long _picturesLossIndicationsSent;
    private long _relaysServed;

    /// <summary>Generic NACKs (RFC 4585 §6.2.1) received from viewers.</summary>
    public long NacksReceived => Interlocked.Read(ref _nacks);

    /// <summary>PLIs and FIRs received from viewers.</summary>
    public long KeyframeRequestsReceived => Interlocked.Read(ref _keyframeRequestsReceived);

    /// <summary>PLIs sent to publishers (after aggregation: at most one per stream per 500 ms).</summary>
    public long PictureLossIndicationsSent => Interlocked.Read(ref _picturesLossIndicationsSent);

    /// <summary>Relay links this node opened to other nodes for streams published here.</summary>
    public long RelaysServed => Interlocked.Read(ref _relaysServed);

    public void NackReceived() => Interlocked.Increment(ref _nacks);

    public void KeyframeRequestReceived() => Interlocked.Increment(ref _keyframeRequestsReceived);

    public void PictureLossIndicationSent() => Interlocked.Increment(ref _picturesLossIndicationsSent);

    public void RelayServed() => Interlocked.Increment(ref _relaysServed);
}

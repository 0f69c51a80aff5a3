using System.Diagnostics;

namespace CommunityStream.Media.Forwarding;

/// <summary>
/// Aggregates keyframe requests (new viewers, viewers' PLI/FIR) toward the publisher: at most one PLI per
/// <c>minInterval</c>; a request inside the interval is remembered and sent by <see cref="Due"/> when it ends, so
/// a thousand viewers asking at once cost the publisher one keyframe.
/// </summary>
internal sealed class KeyframeRequests(TimeSpan minInterval)
{
    private readonly Lock _gate = new();
    private long _lastSent;
    private bool _pending;

    private long _requested;
    private long _sent;

    /// <summary>Requests recorded (viewers joining, viewers' PLI/FIR).</summary>
    public long Requested => Interlocked.Read(ref _requested);

    /// <summary>PLIs the aggregation let through to the publisher.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Records a request; true when a PLI should go to the publisher now.</summary>
    public bool Request(long now)
    {
        Interlocked.Increment(ref _requested);
        lock (_gate)
        {
            if (_lastSent != 0 && Stopwatch.GetElapsedTime(_lastSent, now) < minInterval)
            {
                _pending = true;
                return false;
            }
            return MarkSent(now);
        }
    }

    /// <summary>Called on the stream's timer: true when a held-back request is now due.</summary>
    public bool Due(long now)
    {
        lock (_gate)
        {
            return _pending && Stopwatch.GetElapsedTime(_lastSent, now) >= minInterval && MarkSent(now);
        }
    }

    private bool MarkSent(long now)
    {
        _pending = false;
        _lastSent = now;
        Interlocked.Increment(ref _sent);
        return true;
    }
}

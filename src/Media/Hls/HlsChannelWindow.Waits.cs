using System.Diagnostics;

namespace CommunityStream.Media.Hls;

/// <summary>The waits of blocking requests on a window (RFC 8216bis §6.2.5.2): where a request stands, and the wait itself.</summary>
internal sealed partial class HlsChannelWindow
{
    /// <summary>
    /// A mirror whose link failed: held requests are released at once (their answer is 503) instead of waiting out
    /// the blocking timeout, and new ones are not held.
    /// </summary>
    public bool Abandoned { get; private set; }

    /// <summary>Releases every held request with <see cref="HlsWaitResult.Wait"/> (503); the window no longer changes.</summary>
    public void Abandon()
    {
        lock (_gate)
        {
            Abandoned = true;
            Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
        }
    }

    /// <summary>Where a blocking reload for <paramref name="msn"/> (and part <paramref name="part"/> of it) stands (RFC 8216bis §6.2.5.2).</summary>
    public HlsWaitResult CheckPlaylist(long msn, int? part)
    {
        lock (_gate)
        {
            if (Ended)
            {
                return HlsWaitResult.Ready;
            }
            // §6.2.5.2: 400 when _HLS_msn is more than two after the last Media Segment (the last complete one, the
            // one before the live segment; none yet: the one before the first), or _HLS_part is more than the
            // Advance Part Limit beyond the last Partial Segment.
            var live = _segments.Count > 0 ? _segments[^1] : null;
            var liveMsn = live?.Msn ?? _nextMsn;
            var liveParts = live?.Parts.Count ?? 0;
            if (msn > liveMsn + 1)
            {
                return HlsWaitResult.TooFar;
            }
            if (part is { } ahead)
            {
                // Parts beyond the last one: in the live segment, or (for the next segment) at least its own index + 1.
                var beyond = msn == liveMsn ? ahead - (liveParts - 1) : msn > liveMsn ? ahead + 1 : 0;
                if (beyond > Settings.AdvancePartLimit)
                {
                    return HlsWaitResult.TooFar;
                }
            }
            if (live is null)
            {
                return HlsWaitResult.Wait;
            }
            if (msn < live.Msn)
            {
                return HlsWaitResult.Ready;
            }
            // Without _HLS_part the whole segment msn must be there: it is complete once the next one starts.
            return msn == live.Msn && part is { } p && p < live.Parts.Count ? HlsWaitResult.Ready : HlsWaitResult.Wait;
        }
    }

    /// <summary>Where a request for part <paramref name="number"/> stands: the next part (the preload hint) is waited for.</summary>
    public HlsWaitResult CheckPart(long number)
    {
        lock (_gate)
        {
            if (number < _nextNumber)
            {
                return HlsWaitResult.Ready;
            }
            return number == _nextNumber && !Ended ? HlsWaitResult.Wait : HlsWaitResult.Gone;
        }
    }

    /// <summary>Waits until <paramref name="check"/> is no longer <see cref="HlsWaitResult.Wait"/>, or the timeout (or the window is abandoned); returns its last answer.</summary>
    public async Task<HlsWaitResult> WaitAsync(Func<HlsChannelWindow, HlsWaitResult> check, TimeSpan timeout, CancellationToken cancel)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var result = check(this);
                if (result != HlsWaitResult.Wait || Abandoned)
                {
                    return result;
                }
                changed = _changed.Task;
            }
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero)
            {
                return HlsWaitResult.Wait;
            }
            try
            {
                await changed.WaitAsync(left, cancel).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return HlsWaitResult.Wait;
            }
        }
    }

    /// <summary>
    /// When this node's window took the part a blocking reload for <paramref name="msn"/>/<paramref name="part"/>
    /// waited for (the wall clock; <see cref="HlsOptions.PartReadyHeader"/>): that part, or, for a part index past a
    /// complete segment's last or no part at all, the next segment's first part; null when it is not (or no longer) here.
    /// </summary>
    public DateTimeOffset? AwaitedPartWrittenAt(long msn, int? part)
    {
        lock (_gate)
        {
            var segment = _segments.Find(s => s.Msn == msn);
            if (segment is not null && part is { } p && p < segment.Parts.Count)
            {
                return _written.WrittenAt(segment.Parts[p].Number);
            }
            var next = _segments.Find(s => s.Msn == msn + 1);
            return next is { Parts.Count: > 0 } ? _written.WrittenAt(next.Parts[0].Number) : null;
        }
    }
}

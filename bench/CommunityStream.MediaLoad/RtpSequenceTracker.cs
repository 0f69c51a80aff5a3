namespace CommunityStream.MediaLoad;

/// <summary>
/// Loss, reorder and duplicate counts for one RTP stream as a receiver sees it. 16-bit sequence numbers are extended
/// across wrap-around (RFC 3550 App. A.1: the nearest extension to the highest seen). A jump forward counts the
/// skipped numbers as lost; one of them arriving later turns a loss into a reorder; a number seen before is a
/// duplicate. The last <see cref="Window"/> numbers are remembered in a bitmap, so memory stays fixed.
/// </summary>
internal sealed class RtpSequenceTracker
{
    public const int Window = 1024;

    private readonly ulong[] _seen = new ulong[Window / 64];
    private long _highest = -1;
    private long _first;

    public long Received { get; private set; }

    /// <summary>Numbers skipped and not (yet) arrived.</summary>
    public long Lost { get; private set; }

    public long Reordered { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>Arrivals older than the window, which can no longer be told apart (counted, otherwise ignored).</summary>
    public long TooOld { get; private set; }

    /// <summary>The highest extended sequence number so far, or -1.</summary>
    public long Highest => _highest;

    public void Observe(ushort sequenceNumber)
    {
        Received++;
        if (_highest < 0)
        {
            _highest = sequenceNumber + 65536L; // room below for early reordered packets
            _first = _highest;
            Mark(_highest);
            return;
        }
        var delta = (short)(ushort)(sequenceNumber - (ushort)_highest);
        var extended = _highest + delta;
        if (delta > 0)
        {
            Lost += delta - 1;
            for (var s = _highest + 1; s <= extended && s - _highest <= Window; s++)
            {
                Clear(s);
            }
            _highest = extended;
            Mark(extended);
            return;
        }
        if (_highest - extended >= Window)
        {
            TooOld++;
            return;
        }
        if (IsMarked(extended))
        {
            Duplicates++;
            return;
        }
        Mark(extended);
        Reordered++;
        if (extended > _first)
        {
            // It was counted lost when a later number overtook it; packets from before the first one never were.
            Lost--;
        }
    }

    private void Mark(long extended) => _seen[(extended / 64) % _seen.Length] |= 1UL << (int)(extended % 64);

    private void Clear(long extended) => _seen[(extended / 64) % _seen.Length] &= ~(1UL << (int)(extended % 64));

    private bool IsMarked(long extended) => (_seen[(extended / 64) % _seen.Length] & (1UL << (int)(extended % 64))) != 0;
}

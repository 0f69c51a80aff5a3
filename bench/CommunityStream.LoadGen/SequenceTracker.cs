namespace CommunityStream.LoadGen;

/// <summary>
/// Checks one stream of sequence numbers (a publisher's sequence as seen by one receiver, or a room's
/// offsets on one connection). The first number seen (or the baseline) starts the stream; a jump forward
/// counts the skipped numbers as gaps; a number that fills a gap later counts as a reorder (and no longer
/// as a gap); a number already seen counts as a duplicate. At most <see cref="MaxTrackedMissing"/> missing
/// numbers are remembered; beyond that a late arrival counts as a duplicate.
/// </summary>
internal sealed class SequenceTracker
{
    public const int MaxTrackedMissing = 4096;

    private HashSet<long>? _missing;
    private bool _started;

    public long Last { get; private set; }

    public long Gaps { get; private set; }

    public long Duplicates { get; private set; }

    public long Reorders { get; private set; }

    public long Received { get; private set; }

    /// <summary>Sets the last number already delivered (e.g. the room offset in <c>joined</c>).</summary>
    public void SetBaseline(long last)
    {
        if (!_started)
        {
            _started = true;
            Last = last;
        }
    }

    public SequenceOutcome Observe(long sequence)
    {
        Received++;
        if (!_started)
        {
            _started = true;
            Last = sequence;
            return SequenceOutcome.InOrder;
        }

        if (sequence == Last + 1)
        {
            Last = sequence;
            return SequenceOutcome.InOrder;
        }

        if (sequence > Last + 1)
        {
            var skipped = sequence - Last - 1;
            Gaps += skipped;
            _missing ??= [];
            for (var s = Last + 1; s < sequence && _missing.Count < MaxTrackedMissing; s++)
            {
                _missing.Add(s);
            }

            Last = sequence;
            return SequenceOutcome.Gap;
        }

        if (_missing is not null && _missing.Remove(sequence))
        {
            Gaps--;
            Reorders++;
            return SequenceOutcome.Reorder;
        }

        Duplicates++;
        return SequenceOutcome.Duplicate;
    }
}

internal enum SequenceOutcome
{
    InOrder,
    Gap,
    Reorder,
    Duplicate,
}

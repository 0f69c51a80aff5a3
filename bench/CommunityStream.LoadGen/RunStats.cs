using System.Collections.Concurrent;

namespace CommunityStream.LoadGen;

/// <summary>
/// Counters shared by every connection of one generator process. Counters are interlocked; latencies
/// go to one histogram per thread (receive continuations run on pool threads), merged at the end.
/// </summary>
internal sealed class RunStats(int rooms) : IDisposable
{
    private readonly ThreadLocal<LogLinearHistogram> _latency = new(() => new LogLinearHistogram(), trackAllValues: true);
    private readonly ThreadLocal<LogLinearHistogram> _firstWindow = new(() => new LogLinearHistogram(), trackAllValues: true);

    public long Attempted;
    public long Opened;
    public long Failed;
    public long Welcomed;
    public long Joined;
    public long Published;
    public long Acks;
    public long DuplicateAcks;
    public long Deliveries;
    public long UnstampedMessages;
    public long PresenceFrames;
    public long BadFrames;
    public long ClosedByServer;
    public long WarmupDeliveries;

    /// <summary>Stamps older than this (on the run's clock) are warm-up: counted and sequence-checked, not in the latency histogram.</summary>
    public long LatencyFromTimestamp = long.MinValue;

    /// <summary>Stamps in [<see cref="FirstWindowFrom"/>, <see cref="FirstWindowUntil"/>) also go to the first-window histogram (empty by default).</summary>
    public long FirstWindowFrom = long.MaxValue;

    public long FirstWindowUntil = long.MinValue;

    public ConcurrentDictionary<string, long> FailureReasons { get; } = new();

    public ConcurrentDictionary<string, long> CloseCodes { get; } = new();

    public ConcurrentDictionary<string, long> ErrorCodes { get; } = new();

    public long[] PublishedPerRoom { get; } = new long[rooms];

    public long[] JoinedPerRoom { get; } = new long[rooms];

    /// <summary>Highest offset acknowledged to a publisher of this run, per room.</summary>
    public long[] MaxAckedOffsetPerRoom { get; } = new long[rooms];

    public void RecordAck(int room, long offset)
    {
        long seen;
        do
        {
            seen = Volatile.Read(ref MaxAckedOffsetPerRoom[room]);
        }
        while (offset > seen && Interlocked.CompareExchange(ref MaxAckedOffsetPerRoom[room], offset, seen) != seen);
    }

    /// <summary>Records one delivery's latency by its stamp: warm-up or the main histogram, and the first window if it falls in it.</summary>
    public void RecordDelivery(long stamp, long microseconds)
    {
        if (stamp >= Volatile.Read(ref FirstWindowFrom) && stamp < Volatile.Read(ref FirstWindowUntil))
        {
            _firstWindow.Value!.Record(microseconds);
        }

        if (stamp >= Volatile.Read(ref LatencyFromTimestamp))
        {
            _latency.Value!.Record(microseconds);
        }
        else
        {
            Interlocked.Increment(ref WarmupDeliveries);
        }
    }

    public static void Count(ConcurrentDictionary<string, long> counts, string key) =>
        counts.AddOrUpdate(key, 1, static (_, n) => n + 1);

    /// <summary>Merges the per-thread histograms; call once the receive loops have ended.</summary>
    public LogLinearHistogram MergedLatency() => Merged(_latency);

    /// <summary>The first-window histogram (see <see cref="RecordDelivery"/>), merged over threads.</summary>
    public LogLinearHistogram MergedFirstWindow() => Merged(_firstWindow);

    public void Dispose()
    {
        _latency.Dispose();
        _firstWindow.Dispose();
    }

    private static LogLinearHistogram Merged(ThreadLocal<LogLinearHistogram> perThread)
    {
        var merged = new LogLinearHistogram();
        foreach (var histogram in perThread.Values)
        {
            merged.Merge(histogram);
        }

        return merged;
    }
}

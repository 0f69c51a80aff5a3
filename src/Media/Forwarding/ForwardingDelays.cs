using System.Numerics;

namespace CommunityStream.Media.Forwarding;

/// <summary>
/// How long packets take through one node's fan-out: from decryption (or arrival over a relay) until the pass that
/// carried them handed its last viewer copy to the kernel. That is the server's share of a viewer's delay, measured
/// where operators can see it. Counts are cumulative, in buckets four to a doubling from 50 µs (a reported
/// percentile is its bucket's upper bound: never below the true value, at most 25 % above it), with
/// one writer (the fan-out pass); a reader summarises the difference between two <see cref="Snapshot"/>s, so nothing
/// is ever reset under the writer.
/// </summary>
internal sealed class ForwardingDelays
{
    private const long FirstBucketMicroseconds = 50;

    /// <summary>Bucket 0 is under 50 µs; the buckets reach about 3.3 s, and the last also holds anything longer.</summary>
    public const int BucketCount = 1 + (16 * 4);

    private readonly long[] _counts = new long[BucketCount];

    /// <summary>Called by the fan-out pass only.</summary>
    public void Record(long stopwatchTicks)
    {
        var bucket = BucketOf(Math.Max(0, stopwatchTicks) * 1_000_000 / System.Diagnostics.Stopwatch.Frequency);
        Volatile.Write(ref _counts[bucket], _counts[bucket] + 1);
    }

    /// <summary>The cumulative counts so far.</summary>
    public long[] Snapshot()
    {
        var copy = new long[BucketCount];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = Volatile.Read(ref _counts[i]);
        }
        return copy;
    }

    /// <summary>
    /// The median and 99th percentile of the delays recorded between two snapshots, in milliseconds, each as its
    /// bucket's upper bound (so never below the true value); zeros when nothing was recorded.
    /// </summary>
    public static (long Count, double P50Milliseconds, double P99Milliseconds) Summarize(long[] before, long[] after)
    {
        var count = 0L;
        for (var i = 0; i < BucketCount; i++)
        {
            count += after[i] - before[i];
        }
        return count == 0 ? (0, 0, 0) : (count, Percentile(before, after, count, 0.50), Percentile(before, after, count, 0.99));
    }

    internal static int BucketOf(long microseconds)
    {
        // In quarters of the first bucket's width, a delay's leading bit is its doubling and the two bits after it
        // its quarter of that doubling.
        var quarters = microseconds * 4 / FirstBucketMicroseconds;
        if (quarters < 4)
        {
            return 0;
        }
        var leading = BitOperations.Log2((ulong)quarters);
        var quarter = (int)(quarters >> (leading - 2)) & 3;
        return Math.Min(BucketCount - 1, 1 + ((leading - 2) * 4) + quarter);
    }

    /// <summary>The first delay not in the bucket, in microseconds.</summary>
    internal static double UpperBoundMicroseconds(int bucket)
    {
        if (bucket == 0)
        {
            return FirstBucketMicroseconds;
        }
        var doubling = (bucket - 1) / 4;
        var quarter = (bucket - 1) % 4;
        return FirstBucketMicroseconds * (5 + quarter) * Math.Pow(2, doubling) / 4;
    }

    private static double Percentile(long[] before, long[] after, long count, double fraction)
    {
        var rank = (long)Math.Ceiling(count * fraction);
        var seen = 0L;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += after[i] - before[i];
            if (seen >= rank)
            {
                return Math.Round(UpperBoundMicroseconds(i) / 1000, 3);
            }
        }
        return Math.Round(UpperBoundMicroseconds(BucketCount - 1) / 1000, 3);
    }
}

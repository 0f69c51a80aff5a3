using System.Numerics;

namespace CommunityStream.LoadGen;

/// <summary>
/// An HDR-style log-linear histogram of non-negative integers (microseconds here): values below
/// 2^<see cref="SubBucketBits"/> are exact; above, each power-of-two range is split into
/// 2^<see cref="SubBucketBits"/> linear buckets, so a reported percentile is within 1/128 of the
/// recorded value. Not thread-safe: record into one instance per thread and <see cref="Merge"/>.
/// </summary>
internal sealed class LogLinearHistogram
{
    public const int SubBucketBits = 7;
    private const int SubBuckets = 1 << SubBucketBits;
    // Exponents SubBucketBits..62 each get SubBuckets buckets, after the exact range.
    public const int BucketCount = SubBuckets + ((63 - SubBucketBits) * SubBuckets);

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    public long Min { get; private set; } = long.MaxValue;

    public long Max { get; private set; }

    public void Record(long value)
    {
        if (value < 0)
        {
            value = 0;
        }

        _counts[IndexOf(value)]++;
        Count++;
        if (value < Min)
        {
            Min = value;
        }

        if (value > Max)
        {
            Max = value;
        }
    }

    public static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = exponent - SubBucketBits;
        var sub = (int)(value >> shift) - SubBuckets;
        return SubBuckets + (shift * SubBuckets) + sub;
    }

    /// <summary>The highest value that falls in the bucket (HDR's "highest equivalent value").</summary>
    public static long HighestEquivalent(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        var shift = (index - SubBuckets) / SubBuckets;
        var sub = (index - SubBuckets) % SubBuckets;
        var low = (long)(SubBuckets + sub) << shift;
        return low + (1L << shift) - 1;
    }

    /// <summary>
    /// The value at percentile <paramref name="percentile"/> (0–100): the smallest bucket whose
    /// cumulative count reaches ceil(p/100 · count), reported as the bucket's highest value capped at
    /// <see cref="Max"/>. Zero when empty.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(percentile / 100.0 * Count);
        rank = Math.Clamp(rank, 1, Count);
        long cumulative = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            cumulative += _counts[i];
            if (cumulative >= rank)
            {
                return Math.Min(HighestEquivalent(i), Max);
            }
        }

        return Max;
    }

    public void Merge(LogLinearHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        if (other.Count > 0)
        {
            Min = Math.Min(Min, other.Min);
            Max = Math.Max(Max, other.Max);
        }
    }

    /// <summary>Sparse form for JSON: non-empty buckets as [index, count] pairs.</summary>
    public HistogramSnapshot ToSnapshot()
    {
        var buckets = new List<long[]>();
        for (var i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] != 0)
            {
                buckets.Add([i, _counts[i]]);
            }
        }

        return new HistogramSnapshot(SubBucketBits, Count, Count == 0 ? 0 : Min, Max, buckets);
    }

    public static LogLinearHistogram FromSnapshot(HistogramSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.SubBucketBits != SubBucketBits)
        {
            throw new InvalidDataException($"histogram has {snapshot.SubBucketBits} sub-bucket bits, expected {SubBucketBits}");
        }

        var histogram = new LogLinearHistogram();
        foreach (var pair in snapshot.Buckets)
        {
            histogram._counts[pair[0]] += pair[1];
        }

        histogram.Count = snapshot.Count;
        if (snapshot.Count > 0)
        {
            histogram.Min = snapshot.Min;
            histogram.Max = snapshot.Max;
        }

        return histogram;
    }
}

/// <summary>Serialized histogram: the bucket layout version and the non-empty buckets.</summary>
internal sealed record HistogramSnapshot(int SubBucketBits, long Count, long Min, long Max, List<long[]> Buckets);

namespace CommunityStream.LoadGen.Tests;

public class LogLinearHistogramTests
{
    private static readonly double[] Percentiles = [0, 1, 10, 50, 90, 99, 99.9, 99.99, 100];

    private static long Oracle(long[] sorted, double percentile)
    {
        var rank = (long)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    private static long[] RandomLatencies(int seed, int n)
    {
        var random = new Random(seed);
        // Log-uniform from 1 µs to ~100 s, plus exact small values: exercises every bucket range.
        return [.. Enumerable.Range(0, n).Select(i => i % 10 == 0 ? random.Next(0, 200) : (long)Math.Exp(random.NextDouble() * Math.Log(100_000_000)))];
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 1_000)]
    [InlineData(3, 100_000)]
    public void Should_match_sorted_array_percentiles_within_bucket_precision(int seed, int n)
    {
        var values = RandomLatencies(seed, n);
        var histogram = new LogLinearHistogram();
        foreach (var v in values)
        {
            histogram.Record(v);
        }

        var sorted = values.Order().ToArray();
        foreach (var p in Percentiles)
        {
            var exact = Oracle(sorted, p);
            var reported = histogram.ValueAtPercentile(p);
            // Same bucket as the exact value: never below it, at most one bucket width (1/128) above.
            Assert.True(reported >= exact, $"p{p}: {reported} < {exact}");
            Assert.True(reported <= exact + (exact >> LogLinearHistogram.SubBucketBits), $"p{p}: {reported} too far above {exact}");
            Assert.Equal(LogLinearHistogram.IndexOf(exact), LogLinearHistogram.IndexOf(reported));
        }

        Assert.Equal(sorted[^1], histogram.Max);
        Assert.Equal(sorted[0], histogram.Min);
        Assert.Equal(n, histogram.Count);
    }

    [Fact]
    public void Should_be_exact_below_the_linear_range()
    {
        var histogram = new LogLinearHistogram();
        for (var v = 0; v < 128; v++)
        {
            histogram.Record(v);
        }

        Assert.Equal(63, histogram.ValueAtPercentile(50));
        Assert.Equal(127, histogram.ValueAtPercentile(100));
        Assert.Equal(0, histogram.ValueAtPercentile(0));
    }

    [Fact]
    public void Should_map_every_index_to_a_value_that_maps_back()
    {
        for (var i = 0; i < LogLinearHistogram.BucketCount; i++)
        {
            Assert.Equal(i, LogLinearHistogram.IndexOf(LogLinearHistogram.HighestEquivalent(i)));
        }

        Assert.Equal(LogLinearHistogram.BucketCount - 1, LogLinearHistogram.IndexOf(long.MaxValue));
    }

    [Fact]
    public void Merge_should_equal_recording_everything_in_one()
    {
        var a = RandomLatencies(7, 5_000);
        var b = RandomLatencies(8, 3_000);
        var combined = new LogLinearHistogram();
        var left = new LogLinearHistogram();
        var right = new LogLinearHistogram();
        foreach (var v in a)
        {
            left.Record(v);
            combined.Record(v);
        }

        foreach (var v in b)
        {
            right.Record(v);
            combined.Record(v);
        }

        left.Merge(right);
        Assert.Equal(combined.Count, left.Count);
        Assert.Equal(combined.Min, left.Min);
        Assert.Equal(combined.Max, left.Max);
        foreach (var p in Percentiles)
        {
            Assert.Equal(combined.ValueAtPercentile(p), left.ValueAtPercentile(p));
        }
    }

    [Fact]
    public void Snapshot_round_trip_should_keep_every_bucket()
    {
        var histogram = new LogLinearHistogram();
        foreach (var v in RandomLatencies(9, 10_000))
        {
            histogram.Record(v);
        }

        var json = System.Text.Json.JsonSerializer.Serialize(histogram.ToSnapshot(), RunResult.Json);
        var back = LogLinearHistogram.FromSnapshot(System.Text.Json.JsonSerializer.Deserialize<HistogramSnapshot>(json, RunResult.Json)!);
        Assert.Equal(histogram.ToSnapshot().Buckets.Select(b => (b[0], b[1])), back.ToSnapshot().Buckets.Select(b => (b[0], b[1])));
        Assert.Equal(histogram.Max, back.Max);
        Assert.Equal(histogram.ValueAtPercentile(99.9), back.ValueAtPercentile(99.9));
    }

    [Fact]
    public void Empty_histogram_should_report_zero()
    {
        var histogram = new LogLinearHistogram();
        Assert.Equal(0, histogram.ValueAtPercentile(99));
        Assert.Equal(0, histogram.ToSnapshot().Min);
    }
}

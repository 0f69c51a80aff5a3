using System.Diagnostics;
using CommunityStream.Media.Forwarding;

namespace CommunityStream.Media.Tests.Forwarding;

public sealed class ForwardingDelaysTests
{
    [Fact]
    public void Every_delay_falls_in_a_bucket_whose_bounds_hold_it_and_are_at_most_a_quarter_apart()
    {
        var random = new Random(5);
        var delays = Enumerable.Range(0, 5_000).Select(_ => (long)random.NextInt64(0, 3_000_000))
            .Concat([0, 1, 49, 50, 62, 63, 99, 100, 101, 1_000, 1_023, 1_024, 999_999]);
        foreach (var microseconds in delays)
        {
            var bucket = ForwardingDelays.BucketOf(microseconds);
            var upper = ForwardingDelays.UpperBoundMicroseconds(bucket);
            var lower = bucket == 0 ? 0 : ForwardingDelays.UpperBoundMicroseconds(bucket - 1);
            Assert.True(lower <= microseconds && microseconds < upper, $"{microseconds} µs in bucket {bucket} [{lower}, {upper})");
            if (bucket > 0)
            {
                Assert.True(upper - lower <= lower / 4, $"bucket {bucket} [{lower}, {upper}) is wider than a quarter");
            }
        }
    }

    [Fact]
    public void Delays_beyond_the_last_bucket_count_in_it()
    {
        Assert.Equal(ForwardingDelays.BucketCount - 1, ForwardingDelays.BucketOf(60_000_000));
        Assert.Equal(ForwardingDelays.BucketCount - 1, ForwardingDelays.BucketOf(long.MaxValue / 8));
    }

    [Fact]
    public void A_summary_covers_only_what_was_recorded_between_its_two_snapshots()
    {
        var delays = new ForwardingDelays();
        Assert.Equal((0L, 0.0, 0.0), ForwardingDelays.Summarize(delays.Snapshot(), delays.Snapshot()));

        for (var i = 0; i < 500; i++)
        {
            delays.Record(Ticks(200));
        }
        var before = delays.Snapshot();
        for (var i = 0; i < 98; i++)
        {
            delays.Record(Ticks(1_000));
        }
        delays.Record(Ticks(40_000));
        delays.Record(Ticks(40_000));

        var (count, p50, p99) = ForwardingDelays.Summarize(before, delays.Snapshot());
        Assert.Equal(100, count);
        // Each percentile is its bucket's upper bound: at least the true value, at most a quarter above it.
        Assert.InRange(p50, 1.0, 1.25);
        Assert.InRange(p99, 40.0, 50.0);
    }

    [Fact]
    public void A_negative_interval_counts_as_no_delay()
    {
        var delays = new ForwardingDelays();
        var before = delays.Snapshot();
        delays.Record(-Ticks(5_000));
        Assert.Equal((1L, 0.05, 0.05), ForwardingDelays.Summarize(before, delays.Snapshot()));
    }

    private static long Ticks(long microseconds) => microseconds * Stopwatch.Frequency / 1_000_000;
}

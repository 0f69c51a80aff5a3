namespace CommunityStream.LoadGen.Tests;

public class RunResultTests
{
    private static RunResult Part(long[] latencies, long held, long rssBaseline, long rssHeld, long[] published, long[] joined)
    {
        var histogram = new LogLinearHistogram();
        foreach (var v in latencies)
        {
            histogram.Record(v);
        }

        var result = new RunResult
        {
            ConnectionsHeld = held,
            Deliveries = latencies.Length,
            PublishSeconds = 2,
            PublishedPerRoom = published,
            JoinedPerRoom = joined,
            CloseCodes = new() { ["4008"] = 1 },
            Server = new ServerFigures { Pids = [1], RssBaselineKiB = rssBaseline, RssHeldKiB = rssHeld, CpuSeconds = 1.5 },
        };
        result.Finish(histogram);
        return result;
    }

    [Fact]
    public void Merge_adds_counters_histograms_and_servers()
    {
        var a = Part([100, 200, 300], held: 10, rssBaseline: 1000, rssHeld: 1010, published: [2, 0], joined: [3, 1]);
        var b = Part([1_000_000], held: 30, rssBaseline: 2000, rssHeld: 2030, published: [1, 4], joined: [2, 5]);
        var merged = RunResult.Merge([a, b]);
        Assert.Equal(40, merged.ConnectionsHeld);
        Assert.Equal(4, merged.Latency.Count);
        Assert.Equal(1_000_000, merged.Latency.Max);
        Assert.Equal(2, merged.CloseCodes["4008"]);
        Assert.Equal([3L, 4L], merged.PublishedPerRoom);
        // Expected deliveries use the merged per-room figures: 3·5 + 4·6.
        Assert.Equal((3 * 5) + (4 * 6), merged.ExpectedDeliveries);
        Assert.Equal(2, merged.DeliveriesPerSecond);
        Assert.Equal(3.0, merged.Server!.CpuSeconds);
        Assert.Equal(40 * 1024 / 40, merged.Server.RssBytesPerConnection);
        Assert.Contains("4008=2", merged.ToTable(), StringComparison.Ordinal);
    }

    [Fact]
    public void Undelivered_counts_receivers_behind_the_highest_ack()
    {
        // Room 0: 3 receivers, highest ack 10; they last saw 10, 10 and 4 (one missed 6). Room 1: no acks, ignored.
        var a = new RunResult { JoinedPerRoom = [2, 5], MaxAckedOffsetPerRoom = [10, 0], LastOffsetSumPerRoom = [20, 7] };
        var b = new RunResult { JoinedPerRoom = [1, 0], MaxAckedOffsetPerRoom = [8, 0], LastOffsetSumPerRoom = [4, 0] };
        var merged = RunResult.Merge([a, b]);
        Assert.Equal(6, merged.UndeliveredAtEnd);
    }
}

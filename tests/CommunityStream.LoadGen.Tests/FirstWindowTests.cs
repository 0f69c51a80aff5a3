namespace CommunityStream.LoadGen.Tests;

public class FirstWindowTests
{
    [Fact]
    public void Option_parses_and_defaults_to_off()
    {
        Assert.Equal(0, LoadGenOptions.Parse(["--token", "t"]).FirstWindow);
        Assert.Equal(10, LoadGenOptions.Parse(["--token", "t", "--first-window", "10"]).FirstWindow);
    }

    [Fact]
    public void Deliveries_stamped_in_the_window_are_reported_on_their_own_whatever_the_warmup()
    {
        // Publishing starts at stamp 1,000; the window is [1,000, 2,000); the warm-up ends at 1,500.
        using var stats = new RunStats(rooms: 1) { FirstWindowFrom = 1_000, FirstWindowUntil = 2_000, LatencyFromTimestamp = 1_500 };
        stats.RecordDelivery(stamp: 1_000, microseconds: 900);   // first window and warm-up
        stats.RecordDelivery(stamp: 1_600, microseconds: 800);   // first window and main histogram
        stats.RecordDelivery(stamp: 2_000, microseconds: 5);     // after the window: main histogram only
        stats.RecordDelivery(stamp: 3_000, microseconds: 7);

        var first = stats.MergedFirstWindow();
        var main = stats.MergedLatency();
        Assert.Equal(2, first.Count);
        Assert.Equal(900, first.Max);
        Assert.Equal(3, main.Count);
        Assert.Equal(1, stats.WarmupDeliveries);

        var result = new RunResult();
        result.Finish(main, first);
        Assert.Equal(2, result.LatencyFirstWindow!.Count);
        Assert.Contains("first window", result.ToTable(), StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_sums_the_first_windows_of_child_processes()
    {
        static RunResult Part(long[] firstWindow)
        {
            var histogram = new LogLinearHistogram();
            foreach (var v in firstWindow)
            {
                histogram.Record(v);
            }

            var part = new RunResult();
            part.Finish(new LogLinearHistogram(), histogram);
            return part;
        }

        var merged = RunResult.Merge([Part([100, 200]), Part([50_000])]);
        Assert.Equal(3, merged.LatencyFirstWindow!.Count);
        Assert.Equal(50_000, merged.LatencyFirstWindow.Max);
        Assert.Null(RunResult.Merge([new RunResult()]).LatencyFirstWindow);
    }

    [Fact]
    public void Without_the_option_nothing_falls_in_the_window()
    {
        using var stats = new RunStats(rooms: 1);
        stats.RecordDelivery(stamp: 42, microseconds: 10);
        Assert.Equal(0, stats.MergedFirstWindow().Count);
        Assert.Equal(1, stats.MergedLatency().Count);
    }
}

namespace CommunityStream.LoadGen.Tests;

public class SequenceTrackerTests
{
    private static SequenceTracker Feed(params long[] sequence)
    {
        var tracker = new SequenceTracker();
        foreach (var s in sequence)
        {
            tracker.Observe(s);
        }

        return tracker;
    }

    [Fact]
    public void In_order_stream_has_no_anomalies()
    {
        var t = Feed(5, 6, 7, 8);
        Assert.Equal((0L, 0L, 0L), (t.Gaps, t.Duplicates, t.Reorders));
        Assert.Equal(8, t.Last);
    }

    [Fact]
    public void Jump_counts_each_missing_number()
    {
        var t = Feed(1, 2, 6);
        Assert.Equal(3, t.Gaps);
        Assert.Equal(SequenceOutcome.Gap, Feed(1).Observe(3));
    }

    [Fact]
    public void Late_arrival_is_a_reorder_and_closes_its_gap()
    {
        var t = Feed(1, 3, 2, 4);
        Assert.Equal(0, t.Gaps);
        Assert.Equal(1, t.Reorders);
        Assert.Equal(0, t.Duplicates);
    }

    [Fact]
    public void Repeat_is_a_duplicate()
    {
        var t = Feed(1, 2, 2, 3, 1);
        Assert.Equal(2, t.Duplicates);
        Assert.Equal(0, t.Gaps);
        Assert.Equal(0, t.Reorders);
    }

    [Fact]
    public void Reorder_counted_once_then_duplicate()
    {
        var t = Feed(1, 4, 2, 2, 3);
        Assert.Equal((0L, 1L, 2L), (t.Gaps, t.Duplicates, t.Reorders));
    }

    [Fact]
    public void Baseline_makes_the_first_message_after_it_in_order()
    {
        var t = new SequenceTracker();
        t.SetBaseline(100);
        Assert.Equal(SequenceOutcome.InOrder, t.Observe(101));
        Assert.Equal(SequenceOutcome.Gap, t.Observe(103));
        Assert.Equal(1, t.Gaps);
        Assert.Equal(SequenceOutcome.Duplicate, t.Observe(100));
    }

    [Fact]
    public void Baseline_after_messages_is_ignored()
    {
        var t = Feed(10);
        t.SetBaseline(3);
        Assert.Equal(SequenceOutcome.InOrder, t.Observe(11));
    }
}

namespace CommunityStream.MediaLoad.Tests;

public sealed class RtpSequenceTrackerTests
{
    [Fact]
    public void Should_count_nothing_for_an_in_order_stream_across_wrap_around()
    {
        var tracker = Observe(65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2);

        Assert.Equal((9, 0, 0, 0), Counts(tracker));
    }

    [Fact]
    public void Should_count_skipped_numbers_as_lost_until_they_arrive_late()
    {
        var tracker = Observe(10, 11, 14, 15);
        Assert.Equal(2, tracker.Lost);

        tracker.Observe(12);

        Assert.Equal((5, 1, 1, 0), Counts(tracker));
    }

    [Fact]
    public void Should_count_a_repeated_number_as_a_duplicate()
    {
        Assert.Equal((4, 0, 0, 2), Counts(Observe(100, 101, 101, 100)));
    }

    [Fact]
    public void Should_count_a_packet_older_than_the_first_as_reordered_not_as_found_loss()
    {
        Assert.Equal((3, 0, 1, 0), Counts(Observe(500, 501, 499)));
    }

    [Fact]
    public void Should_count_loss_across_wrap_around()
    {
        Assert.Equal((2, 3, 0, 0), Counts(Observe(65534, 2)));
    }

    [Fact]
    public void Should_not_tell_apart_arrivals_older_than_the_window()
    {
        var tracker = Observe(0);
        for (ushort s = 1; s <= RtpSequenceTracker.Window + 10; s++)
        {
            tracker.Observe(s);
        }

        tracker.Observe(5);

        Assert.Equal(1, tracker.TooOld);
        Assert.Equal(0, tracker.Duplicates);
    }

    private static RtpSequenceTracker Observe(params int[] sequence)
    {
        var tracker = new RtpSequenceTracker();
        foreach (var s in sequence)
        {
            tracker.Observe((ushort)s);
        }
        return tracker;
    }

    private static (long Received, long Lost, long Reordered, long Duplicates) Counts(RtpSequenceTracker t) => (t.Received, t.Lost, t.Reordered, t.Duplicates);
}

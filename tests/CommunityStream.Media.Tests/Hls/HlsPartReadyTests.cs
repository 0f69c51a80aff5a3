using CommunityStream.Media.Hls;

namespace CommunityStream.Media.Tests.Hls;

/// <summary>
/// The opt-in X-Part-Ready bench aid: the window remembers when it took each recent part and names the one a blocking
/// reload waited for (RFC 8216bis §6.2.5.2 semantics: a part index past a complete segment's last is the next
/// segment's first part). Times are compared by order and identity, never by speed.
/// </summary>
public sealed class HlsPartReadyTests
{
    [Fact]
    public void Should_remember_recent_parts_and_forget_those_the_ring_overwrote()
    {
        var clock = new HlsPartClock();
        var t0 = new DateTimeOffset(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);
        for (var n = 0; n < 300; n++)
        {
            clock.Record(n, t0.AddMilliseconds(n));
        }
        Assert.Equal(t0.AddMilliseconds(299), clock.WrittenAt(299));
        Assert.Equal(t0.AddMilliseconds(100), clock.WrittenAt(100));
        Assert.Null(clock.WrittenAt(10)); // its slot now holds part 266
        Assert.Null(clock.WrittenAt(300));
        Assert.Null(clock.WrittenAt(-1));
    }

    [Fact]
    public void Should_name_the_awaited_part_of_a_blocking_reload()
    {
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings);
        var parts = new SyntheticParts(window, TimeSpan.FromMilliseconds(400));
        window.InitSegment(SyntheticParts.Init(1));
        Assert.Null(window.AwaitedPartWrittenAt(0, 0));
        var before = DateTimeOffset.UtcNow;
        // Segments of two 1.2 s GOPs: msn 0 holds parts 0-5, msn 1 starts with part 6.
        for (var i = 0; i < 3; i++)
        {
            parts.Gop(3);
        }
        var after = DateTimeOffset.UtcNow;
        var p2 = window.AwaitedPartWrittenAt(0, 2);
        Assert.NotNull(p2);
        Assert.InRange(p2.Value, before, after);
        Assert.True(window.AwaitedPartWrittenAt(0, 5) <= window.AwaitedPartWrittenAt(1, 0));
        // Past segment 0's last part, or the whole segment: segment 1's first part.
        Assert.Equal(window.AwaitedPartWrittenAt(1, 0), window.AwaitedPartWrittenAt(0, 6));
        Assert.Equal(window.AwaitedPartWrittenAt(1, 0), window.AwaitedPartWrittenAt(0, null));
        // Not written yet: part 3 of the live segment, or a segment further on.
        Assert.Null(window.AwaitedPartWrittenAt(1, 3));
        Assert.Null(window.AwaitedPartWrittenAt(2, 0));
    }
}

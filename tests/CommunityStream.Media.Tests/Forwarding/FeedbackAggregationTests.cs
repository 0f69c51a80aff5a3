using System.Diagnostics;
using CommunityStream.Media.Forwarding;

namespace CommunityStream.Media.Tests.Forwarding;

public sealed class FeedbackAggregationTests
{
    [Fact]
    public void Should_send_one_keyframe_request_per_interval_and_the_held_back_one_when_it_ends()
    {
        var requests = new KeyframeRequests(TimeSpan.FromMilliseconds(500));
        var start = Stopwatch.GetTimestamp();
        long At(int milliseconds) => start + (milliseconds * Stopwatch.Frequency / 1000);

        Assert.True(requests.Request(At(0)));
        Assert.False(requests.Request(At(10)));
        Assert.False(requests.Request(At(20)));
        Assert.False(requests.Due(At(400)));
        Assert.True(requests.Due(At(510)));
        Assert.False(requests.Due(At(1200)));
        Assert.True(requests.Request(At(1200)));
        Assert.Equal(4, requests.Requested);
        Assert.Equal(3, requests.Sent);
    }

    [Fact]
    public void Should_find_only_the_packets_still_in_the_retransmission_window()
    {
        var buffer = new RetransmissionBuffer(16);
        for (ushort sequence = 65530; sequence != 20; sequence++)
        {
            buffer.Add(ViewerForwarderTests.Packet(MediaKind.Video, 96, sequence, 0, [1]));
        }

        Assert.NotNull(buffer.Find(19));
        Assert.NotNull(buffer.Find(4));
        Assert.Null(buffer.Find(3));
        Assert.Null(buffer.Find(65535));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetransmissionBuffer(100));
    }

    [Fact]
    public void Should_count_loss_across_a_sequence_wrap_and_report_the_interval_fraction()
    {
        var statistics = new ReceiveStatistics(0xABC, 90000);
        var now = Stopwatch.GetTimestamp();
        ushort sequence = 65500;
        for (var i = 0; i < 100; i++, sequence++)
        {
            if (i % 10 != 5)
            {
                statistics.Received(sequence, (uint)(i * 3000), now + i, 1000, keyframe: false);
            }
        }

        var block = statistics.NextReportBlock(now + 200);
        var totals = statistics.Totals();

        Assert.Equal(10, block.CumulativeLost);
        Assert.Equal(10, totals.Lost);
        Assert.Equal(90, totals.Received);
        Assert.Equal(0x1_0000u + 63, block.ExtendedHighestSequence); // 65500 + 99 wrapped once
        Assert.Equal(256 * 10 / 100, block.FractionLost);
        Assert.Equal(0, statistics.NextReportBlock(now + 300).FractionLost);
    }
}

using System.Text;

namespace CommunityStream.LoadGen.Tests;

public class NdjsonLinesTests
{
    private static List<string> Split(string payload)
    {
        var lines = new List<string>();
        foreach (var line in new NdjsonLines(Encoding.UTF8.GetBytes(payload)))
        {
            lines.Add(Encoding.UTF8.GetString(line));
        }

        return lines;
    }

    [Fact]
    public void Single_object_is_one_line() => Assert.Equal(["{\"a\":1}"], Split("{\"a\":1}"));

    [Fact]
    public void Batched_objects_split_on_newline() =>
        Assert.Equal(["{\"a\":1}", "{\"b\":\"x y\"}", "{}"], Split("{\"a\":1}\n{\"b\":\"x y\"}\n{}"));

    [Fact]
    public void Empty_lines_trailing_newline_and_crlf_are_skipped() =>
        Assert.Equal(["{\"a\":1}", "{\"b\":2}"], Split("\n{\"a\":1}\r\n\n{\"b\":2}\n"));

    [Fact]
    public void Empty_payload_has_no_lines() => Assert.Empty(Split(""));

    [Fact]
    public void Receiver_counts_every_message_of_a_batch()
    {
        using var stats = new RunStats(1);
        var receiver = new ReceiverState(stats, StampClock.Monotonic, 0);
        var now = StampClocks.Now(StampClock.Monotonic);
        var batch = string.Join('\n',
            "{\"type\":\"joined\",\"room\":\"r\",\"epoch\":\"e\",\"offset\":10,\"messages\":[{\"offset\":10,\"text\":\"lg1 9 9 9\"}],\"presence\":{\"count\":2}}",
            $"{{\"type\":\"message\",\"room\":\"r\",\"offset\":11,\"author\":{{\"id\":\"x\",\"name\":\"n\"}},\"text\":\"lg1 4 1 {now}\"}}",
            $"{{\"type\":\"message\",\"room\":\"r\",\"offset\":13,\"text\":\"lg1 4 2 {now}\"}}",
            $"{{\"type\":\"message\",\"room\":\"r\",\"offset\":13,\"text\":\"lg1 4 2 {now}\"}}",
            "{\"type\":\"message\",\"room\":\"r\",\"offset\":14,\"text\":\"plain \\\"quoted\\\" text\"}",
            "{\"type\":\"error\",\"code\":\"rate_limited\",\"retryAfterMs\":10}",
            "{\"type\":\"ack\",\"room\":\"r\",\"clientId\":\"m\",\"offset\":20,\"duplicate\":true}",
            "not json");
        receiver.OnText(Encoding.UTF8.GetBytes(batch));
        Assert.Equal(1, stats.Joined);
        Assert.Equal(3, stats.Deliveries);
        Assert.Equal(1, stats.UnstampedMessages);
        Assert.Equal(1, stats.BadFrames);
        Assert.Equal(1, stats.DuplicateAcks);
        Assert.Equal(20, stats.MaxAckedOffsetPerRoom[0]);
        Assert.Equal(1, stats.ErrorCodes["rate_limited"]);
        Assert.Equal(1, receiver.Offsets.Gaps);
        Assert.Equal(1, receiver.Offsets.Duplicates);
        var publisher = Assert.Single(receiver.Publishers);
        Assert.Equal(1, publisher.Duplicates);
        Assert.Equal(0, publisher.Gaps);
        Assert.Equal(3, stats.MergedLatency().Count);
    }
}

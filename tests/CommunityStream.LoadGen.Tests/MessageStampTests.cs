using System.Text;

namespace CommunityStream.LoadGen.Tests;

public class MessageStampTests
{
    [Theory]
    [InlineData(0, 1, 0, 0)]
    [InlineData(12, 345, 987654321012345, 0)]
    [InlineData(int.MaxValue, long.MaxValue, long.MaxValue, 0)]
    [InlineData(3, 7, 1234, 200)]
    public void Should_round_trip(int publisher, long sequence, long timestamp, int padding)
    {
        var stamp = new MessageStamp(publisher, sequence, timestamp);
        var text = stamp.Format(padding);
        Assert.True(text.Length >= padding);
        Assert.True(MessageStamp.TryParse(Encoding.UTF8.GetBytes(text), out var parsed));
        Assert.Equal(stamp, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("lg1 ")]
    [InlineData("lg1 1 2")]
    [InlineData("lg1 a 2 3")]
    [InlineData("lg1 1 2 3x")]
    [InlineData("lg1 -1 2 3")]
    [InlineData("lg2 1 2 3")]
    public void Should_reject_other_texts(string text) =>
        Assert.False(MessageStamp.TryParse(Encoding.UTF8.GetBytes(text), out _));

    [Fact]
    public void Monotonic_clock_latency_should_be_small_and_non_negative()
    {
        var stamp = StampClocks.Now(StampClock.Monotonic);
        var micros = StampClocks.MicrosecondsSince(StampClock.Monotonic, stamp);
        Assert.InRange(micros, 0, 1_000_000);
        var wall = StampClocks.Now(StampClock.Wall);
        Assert.InRange(StampClocks.MicrosecondsSince(StampClock.Wall, wall), 0, 1_000_000);
    }
}

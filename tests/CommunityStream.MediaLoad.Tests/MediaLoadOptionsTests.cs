namespace CommunityStream.MediaLoad.Tests;

public sealed class MediaLoadOptionsTests
{
    [Fact]
    public void Should_parse_a_full_command_line()
    {
        var options = MediaLoadOptions.Parse(["--server", "http://127.0.0.1:8080", "--channel", "alice", "--stream-key", "sk_x", "--viewers", "50", "--bitrate", "2.5M", "--verify-sample", "3", "--server-pid", "42", "--json", "out.json"]);

        Assert.Equal(new Uri("http://127.0.0.1:8080/"), options.Server);
        Assert.Equal(("alice", "sk_x", 50, 2_500_000, 3, 42), (options.Channel, options.StreamKey, options.Viewers, options.Bitrate, options.VerifySample, options.ServerPid));
    }

    [Theory]
    [InlineData("2500000", 2_500_000)]
    [InlineData("800k", 800_000)]
    [InlineData("1.5M", 1_500_000)]
    public void Should_read_bitrates_with_suffixes(string value, int expected)
    {
        Assert.Equal(expected, MediaLoadOptions.ParseBitrate("--bitrate", value));
    }

    [Theory]
    [InlineData("--server", "http://10.0.0.5:8080")]
    [InlineData("--server", "http://example.com")]
    [InlineData("--local-address", "192.168.1.2")]
    public void Should_refuse_anything_but_loopback(string option, string value)
    {
        Assert.Throws<ArgumentException>(() => MediaLoadOptions.Parse(["--channel", "c", "--stream-key", "k", option, value]));
    }

    [Fact]
    public void Should_need_a_channel_and_a_stream_key_unless_not_publishing()
    {
        Assert.Throws<ArgumentException>(() => MediaLoadOptions.Parse(["--stream-key", "k"]));
        Assert.Throws<ArgumentException>(() => MediaLoadOptions.Parse(["--channel", "c"]));
        Assert.False(MediaLoadOptions.Parse(["--channel", "c", "--no-publisher"]).Publish);
    }
}

using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Tests.Hls.Packaging;

public sealed class OpusPacketDurationTests
{
    [Theory]
    [InlineData(new byte[] { 0xF8 }, 960)] // config 31 CELT FB 20 ms, one frame (what WebRTC sends)
    [InlineData(new byte[] { 0x78 }, 960)] // config 15 hybrid FB 20 ms
    [InlineData(new byte[] { 0x70 }, 480)] // config 14 hybrid FB 10 ms
    [InlineData(new byte[] { 0x08 }, 960)] // config 1 SILK NB 20 ms
    [InlineData(new byte[] { 0x18 }, 2880)] // config 3 SILK NB 60 ms
    [InlineData(new byte[] { 0x80 }, 120)] // config 16 CELT NB 2.5 ms
    [InlineData(new byte[] { 0xF9 }, 1920)] // code 1: two equal frames
    [InlineData(new byte[] { 0xFA }, 1920)] // code 2: two frames
    [InlineData(new byte[] { 0xFB, 0x03 }, 2880)] // code 3: three frames
    [InlineData(new byte[] { 0x1B, 0x03 }, 0)] // code 3: 3 x 60 ms is over the 120 ms limit
    [InlineData(new byte[] { 0xFB }, 0)] // code 3 without its frame count byte
    [InlineData(new byte[] { 0xFB, 0x00 }, 0)] // zero frames
    [InlineData(new byte[0], 0)]
    public void Duration_follows_the_toc_byte(byte[] packet, int samples) => Assert.Equal(samples, OpusPacketDuration.Samples(packet));
}

using CommunityStream.Media.Forwarding;

namespace CommunityStream.Media.Tests.Forwarding;

public sealed class KeyframeDetectorTests
{
    [Theory]
    // VP8: S=1, PID=0, no X, then a VP8 header with P=0 (key) or P=1 (inter).
    [InlineData("VP8", new byte[] { 0x10, 0x00 }, true)]
    [InlineData("VP8", new byte[] { 0x10, 0x01 }, false)]
    [InlineData("VP8", new byte[] { 0x00, 0x00 }, false)]
    // VP8 with X, I (two-byte PictureID), L and T/K.
    [InlineData("VP8", new byte[] { 0x90, 0xE0, 0x80, 0x01, 0x05, 0x20, 0x00 }, true)]
    [InlineData("VP8", new byte[] { 0x90, 0xE0, 0x80, 0x01, 0x05, 0x20, 0x01 }, false)]
    // H264: IDR, SPS, non-IDR, STAP-A with SPS, FU-A start of IDR, FU-A continuation.
    [InlineData("H264", new byte[] { 0x65, 0x88 }, true)]
    [InlineData("H264", new byte[] { 0x67, 0x42 }, true)]
    [InlineData("H264", new byte[] { 0x41, 0x9A }, false)]
    [InlineData("H264", new byte[] { 0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x01, 0x68 }, true)]
    [InlineData("H264", new byte[] { 0x7C, 0x85, 0x88 }, true)]
    [InlineData("H264", new byte[] { 0x7C, 0x05, 0x88 }, false)]
    [InlineData("VP9", new byte[] { 0x08 }, true)]
    [InlineData("VP9", new byte[] { 0x48 }, false)]
    [InlineData("opus", new byte[] { 0x10, 0x00 }, false)]
    public void Should_recognise_the_first_packet_of_a_keyframe(string codec, byte[] payload, bool expected) =>
        Assert.Equal(expected, KeyframeDetector.IsKeyframeStart(codec, payload));

    [Fact]
    public void Should_never_throw_on_random_or_truncated_payloads()
    {
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var payload = new byte[random.Next(0, 12)];
            random.NextBytes(payload);
            foreach (var codec in new[] { "VP8", "H264", "VP9" })
            {
                KeyframeDetector.IsKeyframeStart(codec, payload);
            }
        }
    }
}

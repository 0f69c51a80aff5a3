using System.Diagnostics;
using CommunityStream.WebRtc.Rtp;

namespace CommunityStream.MediaLoad.Tests;

/// <summary>Payload stamps and the synthetic VP8 and Opus packets the publisher sends.</summary>
public sealed class SyntheticMediaTests
{
    [Fact]
    public void Should_read_back_the_stamp_at_the_end_of_a_payload()
    {
        var payload = new byte[100];
        PayloadStamp.Write(payload, 0x0123_4567_89AB_CDEF);

        Assert.True(PayloadStamp.TryRead(payload, out var stamp));
        Assert.Equal(0x0123_4567_89AB_CDEF, stamp);
        Assert.False(PayloadStamp.TryRead(new byte[100], out _));
        Assert.False(PayloadStamp.TryRead(new byte[PayloadStamp.Length - 1], out _));
    }

    [Fact]
    public void Should_convert_stamp_differences_to_microseconds()
    {
        Assert.Equal(1500, PayloadStamp.MicrosecondsBetween(0, Stopwatch.Frequency * 3 / 2000));
    }

    [Fact]
    public void Should_split_frames_into_1200_byte_packets_at_the_requested_bitrate()
    {
        var stream = new SyntheticVideoStream(ssrc: 7, payloadType: 96, mid: "1", bitrate: 2_500_000);
        var packet = new byte[2048];
        long payloadBytes = 0;
        var markers = 0;

        for (var i = 0; i < stream.PacketsPerFrame * 30; i++)
        {
            var length = stream.WriteNext(packet, 0);
            Assert.True(length <= 1200);
            Assert.True(RtpHeader.TryRead(packet.AsSpan(0, length), out var header));
            Assert.True(header.TryGetExtension(packet.AsSpan(0, length), OfferBuilder.MidExtensionId, out var mid));
            Assert.Equal("1"u8.ToArray(), mid.ToArray());
            payloadBytes += length - header.HeaderLength;
            markers += header.Marker ? 1 : 0;
        }

        // One second: 30 frames, each ending with a marker, ~2.5 Mbit of payload, ~260-270 packets.
        Assert.Equal(30, markers);
        Assert.Equal(30, stream.Frames);
        Assert.InRange(payloadBytes * 8, 2_490_000, 2_510_000);
        Assert.InRange(stream.PacketsPerSecond, 240, 300);
    }

    [Fact]
    public void Should_send_keyframes_at_the_interval_and_on_request()
    {
        var stream = new SyntheticVideoStream(ssrc: 7, payloadType: 96, mid: "1", bitrate: 300_000, frameRate: 10, keyframeIntervalSeconds: 1);
        var keyframeStarts = new List<long>();
        var packet = new byte[2048];
        for (var i = 0; i < stream.PacketsPerFrame * 25; i++)
        {
            if (i == stream.PacketsPerFrame * 13)
            {
                stream.RequestKeyframe();
            }
            var length = stream.WriteNext(packet, 0);
            Assert.True(RtpHeader.TryRead(packet.AsSpan(0, length), out var header));
            Assert.True(header.TryGetPayload(packet.AsSpan(0, length), out var payload));
            if (Vp8PayloadFormat.IsKeyframeStart(payload))
            {
                keyframeStarts.Add(stream.Frames - 1);
            }
        }

        Assert.Equal([0L, 10, 13, 20], keyframeStarts);
        Assert.Equal(4, stream.Keyframes);
    }

    [Fact]
    public void Should_stamp_every_video_and_audio_payload()
    {
        var video = new SyntheticVideoStream(ssrc: 7, payloadType: 96, mid: "1", bitrate: 1_000_000);
        var audio = new SyntheticAudioStream(ssrc: 8, payloadType: 111, mid: "0");
        var packet = new byte[2048];

        foreach (var length in (int[])[video.WriteNext(packet, 1234), audio.WriteNext(packet.AsSpan(1024), 1234) + 1024])
        {
            var start = length > 1024 ? 1024 : 0;
            Assert.True(RtpHeader.TryRead(packet.AsSpan(start, length - start), out var header));
            Assert.True(header.TryGetPayload(packet.AsSpan(start, length - start), out var payload));
            Assert.True(PayloadStamp.TryRead(payload, out var stamp));
            Assert.Equal(1234, stamp);
        }
    }
}

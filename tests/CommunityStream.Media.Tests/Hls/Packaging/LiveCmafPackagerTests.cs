using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Hls.Packaging;
using CommunityStream.Media.Tests.Hls.Packaging.Support;

namespace CommunityStream.Media.Tests.Hls.Packaging;

public sealed class LiveCmafPackagerTests
{
    private static readonly PublishedTrack Video = new(MediaKind.Video, 102, "H264", 90_000, "packetization-mode=1;profile-level-id=42e01f");
    private static readonly PublishedTrack Audio = new(MediaKind.Audio, 111, "opus", 48_000);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Pictures of fake slice data (the packager never decodes slices): an IDR every <paramref name="gop"/> frames.</summary>
    private static List<List<byte[]>> Pictures(int count, int gop, byte[]? pps = null) =>
        Enumerable.Range(0, count).Select(i =>
        {
            if (i % gop == 0)
            {
                return new List<byte[]> { Mp4BoxLayoutTests.BaselineSps, pps ?? Mp4BoxLayoutTests.BaselinePps, Slice(0x65, 1500 + i) };
            }
            return new List<byte[]> { Slice(0x41, 200 + i) };
        }).ToList();

    private static byte[] Slice(byte header, int length)
    {
        var slice = new byte[length];
        slice[0] = header;
        slice[1] = 0x88; // first_mb_in_slice 0
        return slice;
    }

    private static (ulong Decode, long Duration, int Samples) Track(CmafPart part, uint trackId)
    {
        var moof = Mp4TestBox.ParseAll(part.Bytes.ToArray())[0];
        var traf = moof.All("traf").SingleOrDefault(t => t.Child("tfhd").UInt32(4) == trackId);
        if (traf is null)
        {
            return (0, 0, 0);
        }
        var trun = traf.Child("trun");
        var count = (int)trun.UInt32(4);
        var stride = trackId == CmafInitSegment.VideoTrackId ? 12 : 8;
        long duration = 0;
        for (var i = 0; i < count; i++)
        {
            duration += trun.UInt32(12 + i * stride);
        }
        return (traf.Child("tfdt").UInt64(4), duration, count);
    }

    [Fact]
    public void Parts_are_cut_at_each_idr_and_before_the_target_with_a_continuous_decode_time_across_a_timestamp_wrap()
    {
        var output = new CapturingCmafOutput();
        var start = new DateTimeOffset(2026, 12, 7, 5, 0, 0, TimeSpan.Zero);
        var packager = new LiveCmafPackager([Video], output, clock: new FixedClock(start));
        var pictures = Pictures(95, gop: 45);
        foreach (var packet in H264TestStream.Packets(pictures, firstTimestamp: uint.MaxValue - 30_000, firstSequence: 65_000, frameTicks: 3000, mtu: 1000))
        {
            packager.Push(packet);
        }
        Assert.Single(output.Inits);
        Assert.Equal(0, output.InitBeforePart[0]);
        var beforeFinish = output.Parts.Count;
        packager.Finish();

        // 45-frame GOPs at 30 fps in parts of at most 10 frames: 10+10+10+10+5, twice, then 5.
        Assert.Equal([10, 10, 10, 10, 5, 10, 10, 10, 10, 5, 5], output.Parts.Select(p => Track(p, 1).Samples));
        Assert.Equal([true, false, false, false, false, true, false, false, false, false, true], output.Parts.Select(p => p.Independent));
        Assert.Equal(10, beforeFinish); // the part before the IDR goes out as soon as the IDR arrives; the last waits for Finish
        ulong expected = 0;
        foreach (var part in output.Parts)
        {
            var (decode, duration, samples) = Track(part, 1);
            Assert.Equal(expected, decode);
            Assert.Equal(samples * 3000, duration);
            Assert.Equal(TimeSpan.FromSeconds(duration / 90_000.0), part.Duration);
            Assert.True(part.Duration <= CmafPackagerOptions.Default.PartTarget);
            Assert.Equal(start + TimeSpan.FromSeconds(decode / 90_000.0), part.ProgramDateTime);
            expected = decode + (ulong)duration;
        }
    }

    [Fact]
    public void A_longer_part_target_holds_more_frames()
    {
        var output = new CapturingCmafOutput();
        var packager = new LiveCmafPackager([Video], output, CmafPackagerOptions.Default with { PartTarget = TimeSpan.FromSeconds(0.5) });
        foreach (var packet in H264TestStream.Packets(Pictures(60, gop: 60), 0, 0, 3000, 1000))
        {
            packager.Push(packet);
        }
        packager.Finish();
        Assert.Equal([15, 15, 15, 15], output.Parts.Select(p => Track(p, 1).Samples));
    }

    [Fact]
    public void New_parameter_sets_bring_a_new_init_segment_before_the_independent_part_that_uses_them()
    {
        var output = new CapturingCmafOutput();
        var packager = new LiveCmafPackager([Video], output);
        var pictures = Pictures(20, gop: 10);
        pictures.AddRange(Pictures(10, gop: 10, pps: [0x68, 0xCE, 0x3C, 0x80]));
        foreach (var packet in H264TestStream.Packets(pictures, 0, 0, 3000, 1000))
        {
            packager.Push(packet);
        }
        packager.Finish();

        Assert.Equal(2, output.Inits.Count);
        Assert.Equal([0, 2], output.InitBeforePart);
        Assert.True(output.Parts[2].Independent);
        var avcC = Mp4TestBox.ParseAll(output.Inits[1])[1].Path("trak/mdia/minf/stbl/stsd/avc1/avcC");
        Assert.Equal([0x68, 0xCE, 0x3C, 0x80], avcC.Body[^4..].ToArray());
        Assert.Equal(60_000ul, Track(output.Parts[2], 1).Decode);
    }

    [Fact]
    public void Audio_goes_into_the_part_its_time_falls_in_and_a_loss_stalls_video_until_the_idr_while_audio_parts_go_on()
    {
        var output = new CapturingCmafOutput();
        var packager = new LiveCmafPackager([Video, Audio], output);
        var pictures = Pictures(90, gop: 60);
        var video = H264TestStream.Packets(pictures, 1000, 0, 3000, 1000);
        var lostPicture = video.FindIndex(p => p.Timestamp == 1000 + 20 * 3000);
        video.RemoveAt(lostPicture); // frame 20 loses its only packet: frames 20–59 cannot be decoded
        var frameOf = video.ToDictionary(p => p, p => (int)((p.Timestamp - 1000) / 3000));
        var audio = Enumerable.Range(0, 150).Select(i => H264TestStream.Packet(MediaKind.Audio, 111, (ushort)i, 5_000 + (uint)i * 960, false, [0xF8, (byte)i])).ToList();
        // Arrival order: each whole picture, then the 20 ms audio packets that start before the next picture.
        var arrival = new List<MediaPacket>();
        var nextAudio = 0;
        foreach (var packet in video)
        {
            arrival.Add(packet);
            while (packet.Marker && nextAudio < audio.Count && nextAudio * 20 < (frameOf[packet] + 1) * 100 / 3.0)
            {
                arrival.Add(audio[nextAudio++]);
            }
        }
        foreach (var packet in arrival)
        {
            packager.Push(packet);
        }
        packager.Finish();

        Assert.Equal(1, output.KeyframeRequests);
        Assert.Equal(39, packager.DroppedVideoUnits); // frames 21–59; frame 20 never arrived
        var videoFrames = output.Parts.Sum(p => Track(p, 1).Samples);
        Assert.Equal(90 - 40, videoFrames);
        Assert.Equal(150, output.Parts.Sum(p => Track(p, 2).Samples));
        ulong audioExpected = 0;
        foreach (var part in output.Parts)
        {
            var (videoDecode, videoDuration, videoSamples) = Track(part, 1);
            var (audioDecode, audioDuration, audioSamples) = Track(part, 2);
            Assert.True(part.Duration <= CmafPackagerOptions.Default.PartTarget, $"{part.Duration}");
            if (audioSamples > 0)
            {
                Assert.Equal(audioExpected, audioDecode); // one continuous audio timeline
                audioExpected = audioDecode + (ulong)audioDuration;
                if (videoSamples > 0)
                {
                    // Audio starts before its part's video ends (at most one packet of arrival lag behind it).
                    Assert.True(audioDecode * 90_000 / 48_000 < videoDecode + (ulong)videoDuration);
                }
            }
            Assert.Equal(videoSamples > 0 && Track(part, 1).Samples > 0 && part.Independent, part.Independent);
        }
        // While video waits (frames 20–59, 1.33 s), parts carry audio alone and are not independent.
        var stalled = output.Parts.Where(p => Track(p, 1).Samples == 0).ToList();
        Assert.True(stalled.Count >= 3, $"{stalled.Count} audio-only parts");
        Assert.All(stalled, p => Assert.False(p.Independent));
        var resumed = output.Parts.First(p => Track(p, 1).Samples > 0 && Track(p, 1).Decode > 0 && p.Independent);
        Assert.Equal(60ul * 3000, Track(resumed, 1).Decode); // video resumes at the IDR's own time
    }

    [Fact]
    public void An_audio_only_publisher_gets_independent_parts_cut_on_audio_time()
    {
        var output = new CapturingCmafOutput();
        var packager = new LiveCmafPackager([Audio], output);
        for (var i = 0; i < 100; i++)
        {
            packager.Push(H264TestStream.Packet(MediaKind.Audio, 111, (ushort)i, uint.MaxValue - 4800 + (uint)i * 960, false, [0xF8, 1, 2, 3]));
        }
        packager.Finish();

        Assert.Single(output.Inits);
        Assert.Single(Mp4TestBox.ParseAll(output.Inits[0])[1].All("trak"));
        Assert.All(output.Parts, p => Assert.True(p.Independent));
        Assert.Equal([16, 16, 16, 16, 16, 16, 4], output.Parts.Select(p => Track(p, 2).Samples));
        ulong expected = 0;
        foreach (var part in output.Parts)
        {
            var (decode, duration, _) = Track(part, 2);
            Assert.Equal(expected, decode);
            Assert.Equal(TimeSpan.FromSeconds(duration / 48_000.0), part.Duration);
            expected += (ulong)duration;
        }
        Assert.Equal(100ul * 960, expected);
    }

    [Fact]
    public void A_vp8_publisher_is_refused_with_the_reason_the_channel_shows()
    {
        PublishedTrack[] tracks = [new(MediaKind.Video, 96, "VP8", 90_000), Audio];
        Assert.Equal("VP8 publisher; H.264 needed", LiveCmafPackager.UnsupportedReason(tracks));
        var refused = Assert.Throws<NotSupportedException>(() => new LiveCmafPackager(tracks, new CapturingCmafOutput()));
        Assert.Equal("VP8 publisher; H.264 needed", refused.Message);
        Assert.Equal("VP9 publisher; H.264 needed", LiveCmafPackager.UnsupportedReason([new(MediaKind.Video, 98, "vp9", 90_000)]));
        Assert.Null(LiveCmafPackager.UnsupportedReason([Video, Audio]));
        Assert.NotNull(LiveCmafPackager.UnsupportedReason([new(MediaKind.Audio, 0, "PCMU", 8000)]));
    }
}

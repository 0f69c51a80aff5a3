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

    private static uint SampleFlags(CmafPart part, int index) =>
        Mp4TestBox.ParseAll(part.Bytes.ToArray())[0].All("traf").First().Child("trun").UInt32(12 + index * 12 + 8);

    [Fact]
    public void Parts_fill_the_part_target_an_idr_starts_a_part_only_where_a_segment_is_due_and_decode_time_is_continuous_across_a_wrap()
    {
        var output = new CapturingCmafOutput();
        var start = new DateTimeOffset(2026, 12, 7, 5, 0, 0, TimeSpan.Zero);
        var packager = new LiveCmafPackager([Video], output, clock: new FixedClock(start));
        var pictures = Pictures(95, gop: 40);
        foreach (var packet in H264TestStream.Packets(pictures, firstTimestamp: uint.MaxValue - 30_000, firstSequence: 65_000, frameTicks: 3000, mtu: 1000))
        {
            packager.Push(packet);
        }
        Assert.Single(output.Inits);
        Assert.Equal(0, output.InitBeforePart[0]);
        var beforeFinish = output.Parts.Count;
        packager.Finish();

        // IDRs at frames 0, 40 and 80 (30 fps), parts of 15 frames (0.5 s). The IDR of frame 40 comes 1.33 s into the
        // segment (target 2 s): it stays inside its part as a sync sample. The IDR of frame 80 comes 2.67 s in: the
        // part before it ends there (a segment's last part may be short) and frame 80 starts an independent part.
        Assert.Equal([15, 15, 15, 15, 15, 5, 15], output.Parts.Select(p => Track(p, 1).Samples));
        Assert.Equal([true, false, false, false, false, false, true], output.Parts.Select(p => p.Independent));
        Assert.Equal(CmafFragmentWriter.SyncSampleFlags, SampleFlags(output.Parts[2], 10));
        Assert.Equal(CmafFragmentWriter.NonSyncSampleFlags, SampleFlags(output.Parts[2], 9));
        Assert.Equal(6, beforeFinish); // the part before the IDR goes out as soon as the IDR arrives; the last waits for Finish
        PartRules.AssertFollowed(output, CmafPackagerOptions.Default);
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
    public void A_shorter_part_target_holds_fewer_frames_and_25_fps_fills_96_percent_of_half_a_second()
    {
        var output = new CapturingCmafOutput();
        var packager = new LiveCmafPackager([Video], output, CmafPackagerOptions.Default with { PartTarget = TimeSpan.FromSeconds(1.0 / 3) });
        foreach (var packet in H264TestStream.Packets(Pictures(60, gop: 60), 0, 0, 3000, 1000))
        {
            packager.Push(packet);
        }
        packager.Finish();
        Assert.Equal([10, 10, 10, 10, 10, 10], output.Parts.Select(p => Track(p, 1).Samples));

        var at25 = new CapturingCmafOutput();
        var packager25 = new LiveCmafPackager([Video], at25);
        foreach (var packet in H264TestStream.Packets(Pictures(50, gop: 50), 0, 0, 3600, 1000))
        {
            packager25.Push(packet);
        }
        packager25.Finish();
        Assert.Equal([12, 12, 12, 12, 2], at25.Parts.Select(p => Track(p, 1).Samples));
        PartRules.AssertFollowed(at25, CmafPackagerOptions.Default);
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
        // The last good frame (19) lasts to its part's end (1 s); while video waits (to frame 60, 2 s), parts carry
        // audio alone and are not independent.
        var stalled = output.Parts.Where(p => Track(p, 1).Samples == 0).ToList();
        Assert.True(stalled.Count >= 2, $"{stalled.Count} audio-only parts");
        PartRules.AssertFollowed(output, CmafPackagerOptions.Default);
        Assert.All(stalled, p => Assert.False(p.Independent));
        var resumed = output.Parts.First(p => Track(p, 1).Samples > 0 && Track(p, 1).Decode > 0 && p.Independent);
        Assert.Equal(60ul * 3000, Track(resumed, 1).Decode); // video resumes at the IDR's own time
    }

    [Fact]
    public void An_audio_only_publisher_gets_parts_of_the_part_target_cut_on_audio_time_independent_where_segments_start()
    {
        var output = new CapturingCmafOutput();
        var packager = new LiveCmafPackager([Audio], output);
        for (var i = 0; i < 150; i++)
        {
            packager.Push(H264TestStream.Packet(MediaKind.Audio, 111, (ushort)i, uint.MaxValue - 4800 + (uint)i * 960, false, [0xF8, 1, 2, 3]));
        }
        packager.Finish();

        Assert.Single(output.Inits);
        Assert.Single(Mp4TestBox.ParseAll(output.Inits[0])[1].All("trak"));
        Assert.Equal([25, 25, 25, 25, 25, 25], output.Parts.Select(p => Track(p, 2).Samples));
        Assert.Equal([true, false, false, false, true, false], output.Parts.Select(p => p.Independent));
        PartRules.AssertFollowed(output, CmafPackagerOptions.Default);
        ulong expected = 0;
        foreach (var part in output.Parts)
        {
            var (decode, duration, _) = Track(part, 2);
            Assert.Equal(expected, decode);
            Assert.Equal(TimeSpan.FromSeconds(duration / 48_000.0), part.Duration);
            expected += (ulong)duration;
        }
        Assert.Equal(150ul * 960, expected);
    }

    /// <summary>Frames 0–119 at 30 fps (one IDR) with <paramref name="stallSeconds"/> between frames 59 and 60, and
    /// optionally 20 ms Opus packets throughout, in arrival (time) order; each item says which frame it belongs to.</summary>
    private static List<(MediaPacket Packet, int Frame)> StalledStream(double stallSeconds, bool audio)
    {
        var stall = (uint)(stallSeconds * 90_000);
        var events = new List<(double Time, MediaPacket Packet, int Frame)>();
        var pictures = Pictures(120, gop: 1000);
        ushort sequence = 0;
        for (var i = 0; i < pictures.Count; i++)
        {
            var timestamp = (uint)(i * 3000) + (i >= 60 ? stall : 0);
            foreach (var packet in H264TestStream.Packets([pictures[i]], timestamp, sequence, 3000, 1000))
            {
                events.Add((timestamp / 90_000.0, packet, i));
                sequence++;
            }
        }
        if (audio)
        {
            var packets = (int)((4 + stallSeconds) / 0.02);
            for (var i = 0; i < packets; i++)
            {
                events.Add((i * 0.02 + 0.001, H264TestStream.Packet(MediaKind.Audio, 111, (ushort)i, (uint)i * 960, false, [0xF8, (byte)i]), -1));
            }
        }
        return events.OrderBy(e => e.Time).Select(e => (e.Packet, e.Frame)).ToList();
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(10.0)]
    public void A_stalled_video_only_publisher_makes_no_part_over_the_target_and_the_next_frame_keeps_its_own_time(double stallSeconds)
    {
        var output = new CapturingCmafOutput();
        var packager = new LiveCmafPackager([Video], output);
        foreach (var (packet, _) in StalledStream(stallSeconds, audio: false))
        {
            packager.Push(packet);
        }
        packager.Finish();

        PartRules.AssertFollowed(output, CmafPackagerOptions.Default);
        Assert.Equal(120, output.Parts.Sum(p => Track(p, 1).Samples));
        // Frame 59 lasts at most to its part's end; frame 60's decode time jumps to its own time (a gap in tfdt).
        var resumed = output.Parts.Select(p => Track(p, 1)).First(t => t.Decode >= 60 * 3000);
        Assert.Equal(60ul * 3000 + (ulong)(stallSeconds * 90_000), resumed.Decode);
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(10.0)]
    public void A_stalled_publisher_with_audio_gets_audio_only_parts_of_the_target_during_the_stall_and_video_resumes_at_its_time(double stallSeconds)
    {
        var output = new CapturingCmafOutput();
        var packager = new LiveCmafPackager([Video, Audio], output);
        var stream = StalledStream(stallSeconds, audio: true);
        var audioCount = stream.Count(e => e.Frame < 0);
        var partsBeforeResume = -1;
        foreach (var (packet, frame) in stream)
        {
            if (frame == 60 && partsBeforeResume < 0)
            {
                partsBeforeResume = output.Parts.Count;
            }
            packager.Push(packet);
        }
        packager.Finish();

        PartRules.AssertFollowed(output, CmafPackagerOptions.Default);
        Assert.Equal(120, output.Parts.Sum(p => Track(p, 1).Samples));
        Assert.Equal(audioCount, output.Parts.Sum(p => Track(p, 2).Samples));
        // The stall is noticed on audio time: audio-only parts go out during it, not when video resumes.
        var audioOnlyBeforeResume = output.Parts.Take(partsBeforeResume).Count(p => Track(p, 1).Samples == 0);
        Assert.True(audioOnlyBeforeResume >= (int)(stallSeconds / 0.5) - 2, $"{audioOnlyBeforeResume} audio-only parts during a {stallSeconds} s stall");
        var resumed = output.Parts.Select(p => Track(p, 1)).First(t => t.Decode >= 60 * 3000);
        Assert.Equal(60ul * 3000 + (ulong)(stallSeconds * 90_000), resumed.Decode);
    }

    [Theory]
    [InlineData(18)]
    [InlineData(7)]
    [InlineData(2026)]
    public void With_jittered_frames_and_idrs_at_random_the_window_puts_segment_starts_exactly_where_the_packager_made_independent_parts(int seed)
    {
        var random = new Random(seed);
        var output = new CapturingCmafOutput();
        var packager = new LiveCmafPackager([Video, Audio], output);
        var events = new List<(double Time, MediaPacket Packet)>();
        ushort sequence = 0;
        uint timestamp = 0;
        var nextIdr = 0;
        for (var i = 0; i < 900; i++)
        {
            var idr = i == nextIdr;
            if (idr)
            {
                nextIdr += random.Next(5, 90); // viewers' PLIs and the window's keyframe requests, at any time
            }
            List<byte[]> picture = idr
                ? [Mp4BoxLayoutTests.BaselineSps, Mp4BoxLayoutTests.BaselinePps, Slice(0x65, 900)]
                : [Slice(0x41, 100 + i)];
            foreach (var packet in H264TestStream.Packets([picture], timestamp, sequence, 3000, 1000))
            {
                events.Add((timestamp / 90_000.0, packet));
                sequence++;
            }
            timestamp += (uint)random.Next(2600, 3400) + (random.Next(100) == 0 ? 30_000u : 0u);
        }
        for (var i = 0; i < (int)(timestamp / 90_000.0 / 0.02); i++)
        {
            events.Add((i * 0.02 + random.NextDouble() * 0.03, H264TestStream.Packet(MediaKind.Audio, 111, (ushort)i, (uint)i * 960, false, [0xF8, 1])));
        }
        foreach (var (_, packet) in events.OrderBy(e => e.Time))
        {
            packager.Push(packet);
        }
        packager.Finish();

        PartRules.AssertFollowed(output, CmafPackagerOptions.Default);
        Assert.True(output.Parts.Count(p => p.Independent) >= 5);
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

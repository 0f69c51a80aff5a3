using System.Diagnostics;
using System.Globalization;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Hls.Packaging;
using CommunityStream.Media.Tests.Hls.Packaging.Support;

namespace CommunityStream.Media.Tests.Hls.Packaging;

/// <summary>
/// Real H.264 (libx264, two slices per picture) and Opus (libopus) made by ffmpeg, packetized into RTP the way a
/// WebRTC sender does (STAP-A, FU-A, timestamps and sequence numbers that wrap), packaged, and read back by ffprobe.
/// </summary>
public sealed class LiveCmafPackagerFfprobeTests
{
    private static readonly PublishedTrack[] Tracks =
    [
        new(MediaKind.Video, 102, "H264", 90_000, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"),
        new(MediaKind.Audio, 111, "opus", 48_000, "minptime=10;useinbandfec=1"),
    ];

    [SkippableFact]
    public async Task Ffprobe_reads_every_frame_and_audio_packet_of_the_packaged_stream_with_continuous_timestamps_and_no_errors()
    {
        FfmpegTools.RequireOrSkip();
        using var directory = new TempDirectory();
        var (units, opus) = await GenerateMedia(directory.Path, seconds: 4);
        var output = new CapturingCmafOutput();
        var packager = new LiveCmafPackager(Tracks, output);

        foreach (var packet in Interleave(units, opus))
        {
            packager.Push(packet);
        }
        packager.Finish();

        Assert.Single(output.Inits);
        var file = Path.Combine(directory.Path, "out.mp4");
        await File.WriteAllBytesAsync(file, output.File());

        var (packets, packetErrors) = await FfmpegTools.Run(FfmpegTools.Ffprobe, "-v", "error", "-show_entries", "packet=stream_index,pts", "-of", "csv=p=0", file);
        Assert.Equal("", packetErrors);
        var rows = packets.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split(',').Select(long.Parse).ToArray()).ToList();
        var video = rows.Where(r => r[0] == 0).ToList();
        var audio = rows.Where(r => r[0] == 1).ToList();
        Assert.Equal(units.Count, video.Count);
        Assert.Equal(opus.Count, audio.Count);
        Assert.Equal(0, video[0][1]);
        // Each track's timeline has no gap and no overlap: 30 fps video, 20 ms Opus packets (mov reports no Opus durations).
        AssertSteps(video, 3000, "video");
        AssertSteps(audio, 960, "audio");

        var (streams, streamErrors) = await FfmpegTools.Run(FfmpegTools.Ffprobe, "-v", "error", "-count_frames", "-show_entries",
            "stream=codec_name,width,height,nb_read_frames,sample_rate", "-of", "csv=p=0", file);
        Assert.Equal("", streamErrors);
        var lines = streams.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"h264,320,240,{units.Count}", lines[0]);
        Assert.StartsWith("opus,48000,", lines[1], StringComparison.Ordinal);

        // A full decode of both tracks reports nothing.
        var (_, decodeErrors) = await FfmpegTools.Run(FfmpegTools.Ffmpeg, "-v", "error", "-i", file, "-f", "null", "-");
        Assert.Equal("", decodeErrors);

        var target = CmafPackagerOptions.Default.PartTarget;
        Assert.All(output.Parts, p => Assert.True(p.Duration <= target, $"part of {p.Duration} over the target"));
        Assert.Equal(units.Count(H264TestStream.IsIdr), output.Parts.Count(p => p.Independent));
        Assert.True(output.Parts[0].Independent);
        // The parts cover the video; at the end, audio past the last frame (one Opus packet here) gets a part of its own.
        Assert.InRange(output.Parts.Sum(p => p.Duration.TotalSeconds), units.Count / 30.0 - 0.0001, units.Count / 30.0 + 0.0201);
        Assert.Equal(0, output.KeyframeRequests);
    }

    [SkippableFact]
    public async Task After_a_lost_packet_the_stream_still_decodes_cleanly_with_video_resuming_at_the_next_idr_and_all_audio()
    {
        FfmpegTools.RequireOrSkip();
        using var directory = new TempDirectory();
        var (units, opus) = await GenerateMedia(directory.Path, seconds: 4);
        var packets = Interleave(units, opus);
        var firstOfFrame15 = packets.FindIndex(p => p.Kind == MediaKind.Video && p.Timestamp == unchecked(0xFFFF_0000 + 15 * 3000));
        packets.RemoveAt(firstOfFrame15);
        var output = new CapturingCmafOutput();
        var packager = new LiveCmafPackager(Tracks, output);

        foreach (var packet in packets)
        {
            packager.Push(packet);
        }
        packager.Finish();

        Assert.Equal(1, output.KeyframeRequests);
        var file = Path.Combine(directory.Path, "lossy.mp4");
        await File.WriteAllBytesAsync(file, output.File());
        var (listing, errors) = await FfmpegTools.Run(FfmpegTools.Ffprobe, "-v", "error", "-show_entries", "packet=stream_index,pts", "-of", "csv=p=0", file);
        Assert.Equal("", errors);
        var rows = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split(',').Select(long.Parse).ToArray()).ToList();
        var video = rows.Where(r => r[0] == 0).Select(r => r[1]).ToList();
        // Frames 0–14, then nothing decodable until the IDR of frame 60, which keeps its own time.
        Assert.Equal(Enumerable.Range(0, 15).Concat(Enumerable.Range(60, units.Count - 60)).Select(f => f * 3000L), video);
        var audio = rows.Where(r => r[0] == 1).ToList();
        Assert.Equal(opus.Count, audio.Count);
        AssertSteps(audio, 960, "audio");
        var (_, decodeErrors) = await FfmpegTools.Run(FfmpegTools.Ffmpeg, "-v", "error", "-i", file, "-f", "null", "-");
        Assert.Equal("", decodeErrors);
        Assert.All(output.Parts, p => Assert.True(p.Duration <= CmafPackagerOptions.Default.PartTarget));
    }

    private static void AssertSteps(List<long[]> packets, long step, string what)
    {
        for (var i = 1; i < packets.Count; i++)
        {
            Assert.True(packets[i][1] == packets[i - 1][1] + step, $"{what} packet {i} at pts {packets[i][1]}, previous at {packets[i - 1][1]}");
        }
    }

    /// <summary>4 s of 320x240 H.264 baseline (IDR every 2 s) as access units, and Opus packets of 20 ms.</summary>
    internal static async Task<(List<List<byte[]>> Units, List<byte[]> Opus)> GenerateMedia(string directory, int seconds, string size = "320x240", string bitrate = "")
    {
        var h264 = Path.Combine(directory, "video.h264");
        var ogg = Path.Combine(directory, "audio.ogg");
        var rate = bitrate.Length > 0 ? new[] { "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate } : [];
        await FfmpegTools.Run(FfmpegTools.Ffmpeg, ["-v", "error", "-y", "-f", "lavfi", "-i", $"testsrc=size={size}:rate=30", "-t", seconds.ToString(CultureInfo.InvariantCulture),
            "-pix_fmt", "yuv420p", "-c:v", "libx264", "-profile:v", "baseline", "-g", "60", "-bf", "0", "-x264-params", "slices=2", .. rate, "-f", "h264", h264]);
        await FfmpegTools.Run(FfmpegTools.Ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", seconds.ToString(CultureInfo.InvariantCulture),
            "-c:a", "libopus", "-b:a", "64k", "-frame_duration", "20", "-f", "ogg", ogg);
        var units = H264TestStream.AccessUnits(H264TestStream.SplitNals(await File.ReadAllBytesAsync(h264)));
        var opus = OggOpusReader.Packets(await File.ReadAllBytesAsync(ogg));
        Assert.True(H264TestStream.IsIdr(units[0]));
        return (units, opus);
    }

    /// <summary>Video and audio RTP packets in arrival order (by their receive ticks), both RTP clocks wrapping within the first seconds.</summary>
    internal static List<MediaPacket> Interleave(List<List<byte[]>> units, List<byte[]> opus)
    {
        var start = Stopwatch.GetTimestamp();
        var video = H264TestStream.Packets(units, firstTimestamp: 0xFFFF_0000, firstSequence: 65_500, frameTicks: 3000, mtu: 600, firstReceivedAt: start);
        var audio = opus.Select((payload, i) => H264TestStream.Packet(MediaKind.Audio, 111, unchecked((ushort)(65_530 + i)), unchecked(0xFFFF_F000 + (uint)i * 960),
            false, payload, start + i * Stopwatch.Frequency / 50)).ToList();
        return [.. video.Concat(audio).OrderBy(p => p.ReceivedAt).ThenBy(p => p.Kind == MediaKind.Video ? 0 : 1)];
    }
}

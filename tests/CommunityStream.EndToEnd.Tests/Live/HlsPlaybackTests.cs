using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityStream.EndToEnd.Tests.Support;

namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>
/// A Chromium publisher sends H.264 + Opus over WHIP; the node packages it as LL-HLS. Debian's ffmpeg reads the live
/// playlist for <see cref="ReadSeconds"/> s and decodes every frame without an error, with continuous timestamps, the
/// camera's frame rate and audio; meanwhile a player-like loop follows the playlist with blocking reloads, and every
/// playlist it was served passes the spec's rules (part and segment durations, MSN continuity, the preload hint, PDT).
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class HlsPlaybackTests(ChromiumFixture chromium)
{
    /// <summary>
    /// Seconds of media ffmpeg reads: the proof, 60 s, in every suite run (<c>CS_TEST_HLS_SECONDS</c> shortens
    /// it for a quick local run).
    /// </summary>
    public static readonly int ReadSeconds = int.TryParse(Environment.GetEnvironmentVariable("CS_TEST_HLS_SECONDS"), out var seconds) ? seconds : 60;

    [SkippableFact]
    public async Task Should_play_a_chromium_h264_stream_as_ll_hls_with_ffmpeg_and_follow_the_spec()
    {
        chromium.SkipIfUnavailable();
        Ffmpeg.RequireOrSkip();
        var origin = chromium.BlankPage.GetLeftPart(UriPartial.Authority);
        await using var node = await InProcessNode.StartAsync("--Media:CorsOrigins:0", origin);
        var admin = await node.CreateAdminAsync("admin");
        var streamer = await Streamer.CreateAsync(node, admin, "hlsalice");
        var publisher = await chromium.NewPageAsync();
        try
        {
            var published = await publisher.EvaluateAsync<string[]>(WhipWhepScripts.Publish,
                new { url = new Uri(node.BaseAddress, $"/whip/{streamer.Channel}").ToString(), key = streamer.StreamKey, codec = "H264" });
            Assert.True(published[0] == "201", string.Join(" ", published));

            // The stream lists both ways to watch it.
            var summary = await Eventually.Until(() => node.Http.GetFromJsonAsync<JsonElement>($"/api/streams/{streamer.Channel}"),
                s => s.GetProperty("live").GetBoolean() && s.GetProperty("hls").GetProperty("available").GetBoolean(), TimeSpan.FromSeconds(20), "HLS listed as available");
            Assert.Equal($"/whep/{streamer.Channel}", summary.GetProperty("whep").GetString());
            var url = new Uri(node.BaseAddress, summary.GetProperty("hls").GetProperty("url").GetString()).ToString();
            Assert.EndsWith($"/hls/{streamer.Channel}/index.m3u8", url, StringComparison.Ordinal);

            // Two complete segments before ffmpeg starts, so it begins on a full window.
            await Eventually.Until(() => node.Http.GetStringAsync(url), text => text.Split("#EXTINF").Length > 2, TimeSpan.FromSeconds(30), "two complete segments");

            var encodedBefore = await publisher.EvaluateAsync<double[]>(FramesEncoded);
            using var stop = new CancellationTokenSource();
            var follower = FollowAsync(node.Http, url, stop.Token);
            var read = await Ffmpeg.RunAsync(TimeSpan.FromSeconds(ReadSeconds + 60),
                "-hide_banner", "-nostdin", "-v", "error", "-i", url, "-t", ReadSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-map", "0:v", "-map", "0:a", "-fps_mode", "passthrough", "-enc_time_base:v", "1:90000", "-f", "framemd5", "-");
            var encodedAfter = await publisher.EvaluateAsync<double[]>(FramesEncoded);
            await stop.CancelAsync();
            var playlists = await follower;

            if (Environment.GetEnvironmentVariable("CS_TEST_HLS_DUMP") is { Length: > 0 } dump)
            {
                await File.WriteAllTextAsync(dump + ".frames", read.Stdout);
                await File.WriteAllTextAsync(dump + ".playlists", string.Join("\n----\n", playlists));
            }
            Assert.True(read.ExitCode == 0, $"ffmpeg exited {read.ExitCode}: {read.Stderr}");
            Assert.True(read.Stderr.Trim().Length == 0, $"ffmpeg reported errors: {read.Stderr}");
            var (types, frames) = Ffmpeg.ParseFrameMd5(read.Stdout);
            var video = frames.Where(f => types[f.Stream] == "video").ToList();
            var audio = frames.Where(f => types[f.Stream] == "audio").ToList();
            var videoSpan = video[^1].Pts - video[0].Pts;
            Assert.InRange(videoSpan, ReadSeconds - 2, ReadSeconds + 1);
            // The frame rate the publisher encoded over the same time (Chromium's H.264 runs at 20-30 fps here, as
            // the machine allows): every frame it sent reaches the HLS output.
            var sent = (encodedAfter[0] - encodedBefore[0]) / ((encodedAfter[1] - encodedBefore[1]) / 1000);
            var fps = (video.Count - 1) / videoSpan;
            Assert.True(sent > 10 && Math.Abs(fps - sent) <= 0.15 * sent, $"HLS has {fps:0.0} fps, the publisher encoded {sent:0.0} fps");
            AssertContinuous(video, TimeSpan.FromMilliseconds(500), "video");
            Assert.True(audio.Count > 0, "no audio frames");
            Assert.InRange(audio[^1].Pts - audio[0].Pts, ReadSeconds - 2, ReadSeconds + 1);
            AssertContinuous(audio, TimeSpan.FromMilliseconds(100), "audio");
            Assert.InRange(audio.Sum(f => f.Duration), 0.9 * ReadSeconds, ReadSeconds + 1);

            Assert.True(playlists.Count >= ReadSeconds, $"the follower got {playlists.Count} playlists");
            foreach (var text in playlists)
            {
                var problems = HlsPlaylistRules.Check(text);
                Assert.True(problems.Count == 0, string.Join("; ", problems) + "\n" + text);
            }
            var across = HlsPlaylistRules.CheckSequence(playlists);
            Assert.True(across.Count == 0, string.Join("; ", across));

            // The publisher leaves: the playlist ends, then the channel's HLS is gone.
            Assert.Equal(200, await publisher.EvaluateAsync<int>(WhipWhepScripts.Unpublish, streamer.StreamKey));
            await Eventually.Until(() => node.Http.GetStringAsync(url), text => text.Contains("#EXT-X-ENDLIST", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the ENDLIST");
            await Eventually.Until(async () => (await node.Http.GetAsync(url)).StatusCode, status => status == HttpStatusCode.NotFound, TimeSpan.FromSeconds(30), "404 after the grace period");
        }
        finally
        {
            await publisher.CloseAsync();
        }
    }

    /// <summary>The publisher's [framesEncoded, now in ms] of its video.</summary>
    private const string FramesEncoded = """
        async () => {
          for (const r of (await pc.getStats()).values())
            if (r.type === 'outbound-rtp' && r.kind === 'video') return [r.framesEncoded, performance.now()];
          return [0, performance.now()];
        }
        """;

    /// <summary>Follows the playlist as an LL-HLS player does: each reload blocks for the part after the last one.</summary>
    private static async Task<List<string>> FollowAsync(HttpClient http, string url, CancellationToken stop)
    {
        var playlists = new List<string>();
        var next = "";
        while (!stop.IsCancellationRequested)
        {
            string text;
            try
            {
                text = await http.GetStringAsync(url + next, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            playlists.Add(text);
            var playlist = HlsPlaylistRules.Parse(text);
            var live = playlist.Segments[^1];
            next = live.Uri is null ? $"?_HLS_msn={live.Msn}&_HLS_part={live.Parts.Count}" : $"?_HLS_msn={live.Msn + 1}&_HLS_part=0";
        }
        return playlists;
    }

    private static void AssertContinuous(List<Ffmpeg.Frame> frames, TimeSpan maxGap, string kind)
    {
        for (var i = 1; i < frames.Count; i++)
        {
            var gap = frames[i].Pts - frames[i - 1].Pts;
            Assert.True(gap > 0 && gap <= maxGap.TotalSeconds, $"{kind} timestamps jump by {gap:0.000} s at {frames[i].Pts:0.000} s (frame {i})");
        }
    }
}

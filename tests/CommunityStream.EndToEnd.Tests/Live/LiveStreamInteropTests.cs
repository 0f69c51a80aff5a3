using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityStream.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>
/// The product end to end: a Chromium page goes live over WHIP on a real node, two other pages watch over WHEP
/// (all through fetch() from another origin, so CORS is exercised), a late viewer gets its first frame quickly
/// thanks to the keyframe request, and when the publisher DELETEs its session the viewers' connections end and the
/// stream leaves /api/streams.
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class LiveStreamInteropTests(ChromiumFixture chromium)
{
    [SkippableTheory]
    [InlineData("VP8")]
    [InlineData("H264")]
    public async Task Should_carry_a_WHIP_stream_to_WHEP_viewers_until_the_publisher_leaves(string codec)
    {
        chromium.SkipIfUnavailable();
        var origin = chromium.BlankPage.GetLeftPart(UriPartial.Authority);
        await using var node = await InProcessNode.StartAsync("--Media:CorsOrigins:0", origin);
        var admin = await node.CreateAdminAsync("admin");
        var streamer = await Streamer.CreateAsync(node, admin, "alice" + codec.ToLowerInvariant());
        var whip = new Uri(node.BaseAddress, $"/whip/{streamer.Channel}").ToString();
        var whep = new Uri(node.BaseAddress, $"/whep/{streamer.Channel}").ToString();

        var publisher = await chromium.NewPageAsync();
        var first = await chromium.NewPageAsync();
        var late = await chromium.NewPageAsync();
        try
        {
            var published = await publisher.EvaluateAsync<string[]>(WhipWhepScripts.Publish, new { url = whip, key = streamer.StreamKey, codec });
            Assert.True(published[0] == "201", string.Join(" ", published));

            var watching = await first.EvaluateAsync<string[]>(WhipWhepScripts.Watch, whep);
            Assert.True(watching[0] == "201", string.Join(" ", watching));
            var firstStats = await WaitForStats(first, s => s[0] >= 30 && s[1] >= 50, TimeSpan.FromSeconds(30));
            Assert.Equal(640, firstStats[2]);

            // The stream has run for a while: without our keyframe request the late viewer would wait for its own PLI.
            var lateWatching = await late.EvaluateAsync<string[]>(WhipWhepScripts.Watch, whep);
            Assert.True(lateWatching[0] == "201", string.Join(" ", lateWatching));
            var toFirstFrame = await late.EvaluateAsync<int>(WhipWhepScripts.MillisecondsToFirstFrame);
            Assert.InRange(toFirstFrame, 0, 2000);

            var lateStats = await WaitForStats(late, s => s[0] >= 15 && s[1] >= 50, TimeSpan.FromSeconds(20));
            await WaitForStats(first, s => s[0] >= firstStats[0] + 30, TimeSpan.FromSeconds(20));
            await WaitForStats(late, s => s[0] >= lateStats[0] + 15, TimeSpan.FromSeconds(20));

            var listed = await Eventually.Until(async () =>
            {
                var streams = await node.Http.GetFromJsonAsync<JsonElement>("/api/streams");
                return streams.EnumerateArray().FirstOrDefault(s => s.GetProperty("channel").GetString() == streamer.Channel);
            }, s => s.ValueKind == JsonValueKind.Object && s.GetProperty("viewers").GetInt32() == 2
                && s.GetProperty("quality").GetProperty("videoBitsPerSecond").GetInt64() > 0, TimeSpan.FromSeconds(15), "the stream listed with 2 viewers and a video bitrate");
            Assert.True(listed.GetProperty("live").GetBoolean());
            // The fan-out's own figures are published: copies went out to the viewers. (How far behind it ran depends
            // on the machine's load, so only its presence is checked; StreamFanoutTests checks the value.)
            var quality = listed.GetProperty("quality");
            Assert.True(quality.GetProperty("copiesForwarded").GetInt64() > 0, quality.ToString());
            Assert.True(quality.GetProperty("fanoutLagMaxMilliseconds").GetDouble() >= 0, quality.ToString());
            // Every packet goes through some pass; a pass takes one packet or more.
            var passes = quality.GetProperty("fanoutPasses").GetInt64();
            Assert.InRange(passes, 1, quality.GetProperty("packetsReceived").GetInt64());
            Assert.True(quality.GetProperty("copiesCoalesced").GetInt64() >= 0, quality.ToString());
            // Packets flowed in the interval, so their forwarding delays were recorded (a bucket's bound is above 0).
            var delayP50 = quality.GetProperty("forwardingDelayP50Milliseconds").GetDouble();
            Assert.True(delayP50 > 0 && quality.GetProperty("forwardingDelayP99Milliseconds").GetDouble() >= delayP50, quality.ToString());

            // Both ways to watch: WHEP always; LL-HLS only for H.264, with the reason otherwise.
            var summary = await Eventually.Until(() => node.Http.GetFromJsonAsync<JsonElement>($"/api/streams/{streamer.Channel}"),
                s => s.GetProperty("hls").ValueKind == JsonValueKind.Object && (codec != "H264" || s.GetProperty("hls").GetProperty("available").GetBoolean()),
                TimeSpan.FromSeconds(10), "the stream's HLS status");
            Assert.Equal($"/whep/{streamer.Channel}", summary.GetProperty("whep").GetString());
            var hls = summary.GetProperty("hls");
            using var playlist = await node.Http.GetAsync($"/hls/{streamer.Channel}/index.m3u8");
            if (codec == "H264")
            {
                Assert.Equal($"/hls/{streamer.Channel}/index.m3u8", hls.GetProperty("url").GetString());
                Assert.Equal(HttpStatusCode.OK, playlist.StatusCode);
            }
            else
            {
                Assert.False(hls.GetProperty("available").GetBoolean());
                Assert.Contains(codec, hls.GetProperty("reason").GetString(), StringComparison.Ordinal);
                Assert.Equal(HttpStatusCode.NotFound, playlist.StatusCode);
                Assert.Contains(codec, await playlist.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            Assert.Equal(200, await publisher.EvaluateAsync<int>(WhipWhepScripts.Unpublish, streamer.StreamKey));
            foreach (var viewer in new[] { first, late })
            {
                await Eventually.Until(() => viewer.EvaluateAsync<string>(WhipWhepScripts.ViewerState),
                    state => state is "closed" or "failed" or "disconnected", TimeSpan.FromSeconds(20), "the viewer's connection to end");
            }
            await Eventually.Until(() => node.Http.GetFromJsonAsync<JsonElement>("/api/streams"),
                streams => streams.EnumerateArray().All(s => s.GetProperty("channel").GetString() != streamer.Channel), TimeSpan.FromSeconds(15), "the stream to leave /api/streams");
        }
        finally
        {
            await publisher.CloseAsync();
            await first.CloseAsync();
            await late.CloseAsync();
        }
    }

    /// <summary>[video framesDecoded, audio packetsReceived, video frameWidth] of the page's viewer.</summary>
    private static async Task<long[]> WaitForStats(IPage page, Func<long[], bool> done, TimeSpan timeout) =>
        await Eventually.Until(() => page.EvaluateAsync<long[]>(ViewerScript.Stats), done, timeout, "viewer stats [framesDecoded, audioPackets, width]");
}

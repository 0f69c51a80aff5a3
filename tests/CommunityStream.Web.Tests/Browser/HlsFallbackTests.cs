using System.Text.RegularExpressions;
using CommunityStream.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommunityStream.Web.Tests.Browser;

/// <summary>
/// The watch page's HLS fallback in Chromium under the page's real CSP and Trusted Types. First against the node's own
/// LL-HLS output: a channel live as H.264 + Opus from a Chromium publisher, WHEP refused to the viewer (503, the node
/// full): the page switches to HLS by itself and plays the server's parts. Then against a live LL-HLS origin of
/// ffmpeg-made fMP4 parts served at <c>/hls/{channel}/…</c> (<see cref="FixtureLlHls"/>), whose request log shows where
/// playback starts: with WHEP refused, and with <c>?playback=hls</c>. In each the label says HLS, the playhead
/// advances, frames decode (getVideoPlaybackQuality and requestVideoFrameCallback), new parts come from blocking
/// reloads, and the chat keeps working.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class HlsFallbackTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private InProcessNode _node = null!;
    private FixtureLlHls? _hls;
    private string? _unavailable;

    public async Task InitializeAsync()
    {
        _node = await InProcessNode.StartAsync();
        (_hls, _unavailable) = await FixtureLlHls.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        _hls?.Dispose();
        await _node.DisposeAsync();
    }

    [SkippableFact]
    public async Task A_channel_live_as_H264_plays_from_the_nodes_LL_HLS_when_WHEP_is_refused()
    {
        browser.SkipIfUnavailable();
        var admin = await _node.CreateAdminAsync("admin");
        var (_, key) = await WatchAccounts.CreateStreamerAsync(_node, admin, "h264caster", "H.264 night");
        await using var publisherContext = await browser.NewContextAsync(_node.BaseAddress);
        var publisher = await publisherContext.NewPageAsync();
        await publisher.GotoAsync("/login");
        var published = await publisher.EvaluateAsync<string>(PublishH264, new[] { key, "h264caster" });
        Assert.Equal("201", published);
        // The node packages the stream: its playlist lists parts.
        await Eventually.Until(async () =>
        {
            using var response = await _node.Http.GetAsync("/hls/h264caster/index.m3u8");
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : "";
        }, text => text.Contains("#EXT-X-PART:", StringComparison.Ordinal), Wait, "the node's LL-HLS playlist to list parts");

        await using var context = await browser.NewContextAsync(_node.BaseAddress);
        await context.RouteAsync("**/whep/**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 503,
            ContentType = "application/problem+json",
            Body = """{"title":"The node is full","status":503}""",
        }));
        var requests = new System.Collections.Concurrent.ConcurrentQueue<string>();
        context.Request += (_, request) => requests.Enqueue(new Uri(request.Url).PathAndQuery);
        var page = await context.NewPageAsync();
        var problems = await PageProblems.WatchAsync(page);
        await page.GotoAsync("/c/h264caster");

        await PlaysFromHlsAsync(page);
        var all = requests.ToArray();
        Assert.Contains(all, r => r.StartsWith("/hls/h264caster/", StringComparison.Ordinal) && r.EndsWith(".mp4", StringComparison.Ordinal)); // the init segment
        Assert.Contains(all, r => Regex.IsMatch(r, @"^/hls/h264caster/index\.m3u8\?_HLS_msn=\d+&_HLS_part=\d+$"));
        var h264 = await page.EvaluateAsync<string>("() => document.querySelector('#player-video').videoWidth + 'x' + document.querySelector('#player-video').videoHeight");
        Assert.Equal("640x480", h264);
        problems.AssertNone();
    }

    [SkippableFact]
    public async Task With_WHEP_refused_the_page_falls_back_to_HLS_plays_near_live_and_chat_still_works()
    {
        browser.SkipIfUnavailable();
        Skip.If(_hls is null, _unavailable);
        var admin = await _node.CreateAdminAsync("admin");
        await WatchAccounts.CreateStreamerAsync(_node, admin, "hlscaster", "Fallback night");
        await using var context = await browser.NewContextAsync(_node.BaseAddress);
        var whepAttempts = 0;
        // WebRTC is unavailable to this page: every WHEP offer is refused as by a full node.
        await context.RouteAsync("**/whep/**", route =>
        {
            Interlocked.Increment(ref whepAttempts);
            return route.FulfillAsync(new RouteFulfillOptions
            {
                Status = 503,
                ContentType = "application/problem+json",
                Body = """{"title":"The node is full","status":503}""",
                Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
            });
        });
        await _hls!.RouteAsync(context, "hlscaster");
        var page = await context.NewPageAsync();
        var problems = await PageProblems.WatchAsync(page);
        await page.GotoAsync("/c/hlscaster");

        await PlaysFromHlsAsync(page);
        StartsNearLiveFromBlockingReloads(_hls.Requests.ToArray());
        Assert.True(whepAttempts >= 1, "the page never tried WebRTC first");

        // The chat is untouched by the player's mode.
        await ChatPoster.PostAsync(_node, "hlscaster", "hlscaster", "still chatting over HLS");
        await Expect(page.Locator("#chat-log li.chat-message", new() { HasText = "still chatting over HLS" })).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        problems.AssertNone();
    }

    [SkippableFact]
    public async Task With_playback_hls_in_the_address_the_page_plays_HLS_without_trying_WebRTC_and_the_stats_say_so()
    {
        browser.SkipIfUnavailable();
        Skip.If(_hls is null, _unavailable);
        var admin = await _node.CreateAdminAsync("admin");
        await WatchAccounts.CreateStreamerAsync(_node, admin, "forcedhls", "Forced");
        await using var context = await browser.NewContextAsync(_node.BaseAddress);
        var whepAttempts = 0;
        await context.RouteAsync("**/whep/**", route =>
        {
            Interlocked.Increment(ref whepAttempts);
            return route.AbortAsync();
        });
        await _hls!.RouteAsync(context, "forcedhls");
        var page = await context.NewPageAsync();
        var problems = await PageProblems.WatchAsync(page);
        await page.GotoAsync("/c/forcedhls?playback=hls");

        await PlaysFromHlsAsync(page);
        StartsNearLiveFromBlockingReloads(_hls.Requests.ToArray());
        Assert.Equal(0, whepAttempts);
        await page.ClickAsync("#player-stats-toggle");
        await Expect(page.Locator("#player-stats")).ToContainTextAsync("LL-HLS", new() { Timeout = 5000 });
        await Expect(page.Locator("#player-stats")).ToContainTextAsync("avc1.42c00d,opus");
        await Expect(page.Locator("#player-stats")).ToContainTextAsync("320×240");
        problems.AssertNone();
    }

    [SkippableFact]
    public async Task The_servers_HLS_only_mode_moves_a_new_viewer_to_HLS_and_HLS_unavailable_keeps_WebRTC()
    {
        browser.SkipIfUnavailable();
        Skip.If(_hls is null, _unavailable);
        var admin = await _node.CreateAdminAsync("admin");
        await WatchAccounts.CreateStreamerAsync(_node, admin, "overflow", "Overflow");
        await WatchAccounts.CreateStreamerAsync(_node, admin, "vp8caster", "VP8 only");

        // HLS-only (overflow audience): the status says playback "hls"; the page goes there without WHEP failing.
        await using var overflow = await browser.NewContextAsync(_node.BaseAddress);
        await overflow.RouteAsync("**/api/streams/overflow", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "application/json",
            Body = """{"channel":"overflow","title":"Overflow","live":true,"viewers":1,"playback":"hls","whep":"/whep/overflow","hls":{"available":true,"url":"/hls/overflow/index.m3u8","reason":null}}""",
        }));
        await _hls!.RouteAsync(overflow, "overflow");
        var page = await overflow.NewPageAsync();
        var problems = await PageProblems.WatchAsync(page);
        await page.GotoAsync("/c/overflow");
        await PlaysFromHlsAsync(page);
        problems.AssertNone();

        // A channel without HLS (a VP8 publisher): WHEP refused again and again, and the page stays on WebRTC.
        await using var vp8 = await browser.NewContextAsync(_node.BaseAddress);
        var whepAttempts = 0;
        var hlsRequests = 0;
        await vp8.RouteAsync("**/whep/**", route =>
        {
            Interlocked.Increment(ref whepAttempts);
            return route.FulfillAsync(new RouteFulfillOptions
            {
                Status = 503,
                ContentType = "application/problem+json",
                Body = """{"title":"The node is full","status":503}""",
                Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
            });
        });
        await vp8.RouteAsync("**/api/streams/vp8caster", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "application/json",
            Body = """{"channel":"vp8caster","title":"VP8 only","live":true,"viewers":1,"whep":"/whep/vp8caster","hls":{"available":false,"url":null,"reason":"HLS needs H.264: this stream is VP8."}}""",
        }));
        await vp8.RouteAsync("**/hls/**", route =>
        {
            Interlocked.Increment(ref hlsRequests);
            return route.FulfillAsync(new RouteFulfillOptions { Status = 404 });
        });
        var vp8Page = await vp8.NewPageAsync();
        await vp8Page.GotoAsync("/c/vp8caster");
        await Eventually.Until(() => Task.FromResult(Volatile.Read(ref whepAttempts)), n => n >= 3, Wait, "WHEP to be tried three times");
        Assert.Equal("webrtc", await vp8Page.Locator("#player").GetAttributeAsync("data-mode"));
        await Expect(vp8Page.Locator("#player-mode")).ToHaveTextAsync("WebRTC");
        Assert.Equal(0, Volatile.Read(ref hlsRequests));
    }

    private static async Task PlaysFromHlsAsync(IPage page)
    {
        await Expect(page.Locator("#player")).ToHaveAttributeAsync("data-mode", "hls", new() { Timeout = 15_000 });
        await Expect(page.Locator("#player-mode")).ToHaveTextAsync("HLS");
        await Expect(page.Locator("#player")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });
        await page.EvaluateAsync("""
            () => {
              const video = document.querySelector('#player-video');
              window.__framesPresented = 0;
              const count = () => { window.__framesPresented++; video.requestVideoFrameCallback(count); };
              video.requestVideoFrameCallback(count);
            }
            """);
        var first = await PlaybackAsync(page);
        var later = await Eventually.Until(() => PlaybackAsync(page), p => p.Time >= first.Time + 2 && p.Decoded >= first.Decoded + 30, Wait,
            "the HLS playhead to advance 2 s with frames decoded");
        Assert.True(later.Presented >= 20, $"only {later.Presented} frames presented");
        Assert.True(later.Dropped * 2 < later.Decoded, $"{later.Dropped} of {later.Decoded} frames dropped");
    }

    private static void StartsNearLiveFromBlockingReloads(string[] requests)
    {
        // Started hold-back behind live, not at the start of the window: the first part fetched is among the newest.
        var firstPart = requests.Select(r => Regex.Match(r, @"/p(\d+)\.m4s$")).First(m => m.Success);
        Assert.True(int.Parse(firstPart.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 4, "started at " + firstPart.Value);
        Assert.DoesNotContain(requests, r => Regex.IsMatch(r, @"/s\d+\.m4s$")); // parts, not whole segments
        // New parts are learned from blocking reloads.
        Assert.Contains(requests, r => Regex.IsMatch(r, @"index\.m3u8\?_HLS_msn=\d+&_HLS_part=\d+$"));
    }

    /// <summary>Goes live over WHIP with the fake camera and microphone, H.264 forced; returns the WHIP status.</summary>
    private const string PublishH264 = """
        async ([key, channel]) => {
          const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
          window.pc = new RTCPeerConnection();
          pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly' });
          const video = pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly' });
          const h264 = RTCRtpSender.getCapabilities('video').codecs.filter(c => c.mimeType.toLowerCase() === 'video/h264' && (c.sdpFmtpLine || '').includes('packetization-mode=1'));
          video.setCodecPreferences(h264);
          await pc.setLocalDescription(await pc.createOffer());
          await new Promise(resolve => {
            if (pc.iceGatheringState === 'complete') return resolve();
            pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
            setTimeout(resolve, 2000);
          });
          const response = await fetch('/whip/' + channel, { method: 'POST', body: pc.localDescription.sdp,
            headers: { 'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + key } });
          const body = await response.text();
          if (response.status !== 201) return response.status + ' ' + body;
          await pc.setRemoteDescription({ type: 'answer', sdp: body });
          return '201';
        }
        """;

    private static async Task<(double Time, int Decoded, int Dropped, int Presented)> PlaybackAsync(IPage page)
    {
        var v = await page.EvaluateAsync<double[]>("""
            () => {
              const video = document.querySelector('#player-video');
              const q = video.getVideoPlaybackQuality();
              return [video.currentTime, q.totalVideoFrames, q.droppedVideoFrames, window.__framesPresented];
            }
            """);
        return (v[0], (int)v[1], (int)v[2], (int)v[3]);
    }
}

using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CommunityStream.Media.Hls;

namespace CommunityStream.Media.Tests.Hls;

/// <summary>The LL-HLS HTTP surface of one node over real loopback HTTP, fed with synthetic parts.</summary>
public sealed class HlsEndpointTests(HlsNodeFixture fixture) : IClassFixture<HlsNodeFixture>
{
    private HttpClient Http => fixture.Node.Http;

    [Fact]
    public async Task Should_serve_the_playlist_init_segments_and_parts_with_their_cache_headers()
    {
        var (window, parts) = fixture.Live("hlsserve");
        for (var i = 0; i < 4; i++)
        {
            parts.Gop(3);
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hls/hlsserve/index.m3u8");
        request.Headers.Add("Origin", HlsNodeFixture.PlayerOrigin);
        using var playlist = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, playlist.StatusCode);
        Assert.Equal("application/vnd.apple.mpegurl", playlist.Content.Headers.ContentType!.MediaType);
        Assert.Equal("public, max-age=1", playlist.Headers.CacheControl!.ToString());
        Assert.Equal(HlsNodeFixture.PlayerOrigin, playlist.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var text = await playlist.Content.ReadAsStringAsync();
        Assert.Empty(HlsPlaylistRules.Check(text));
        var parsed = HlsPlaylistRules.Parse(text);

        using var init = await Http.GetAsync("/hls/hlsserve/init-ephlsserve-1.mp4");
        Assert.Equal(SyntheticParts.Init(1), await init.Content.ReadAsByteArrayAsync());
        Assert.Equal("video/mp4", init.Content.Headers.ContentType!.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", init.Headers.CacheControl!.ToString());

        var first = parsed.Segments[0];
        using var segment = await Http.GetAsync($"/hls/hlsserve/{first.Uri}");
        Assert.Equal("video/iso.segment", segment.Content.Headers.ContentType!.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", segment.Headers.CacheControl!.ToString());
        var expected = window.FindSegment(first.Msn)!.SelectMany(p => p.Part.Bytes.ToArray()).ToArray();
        Assert.Equal(expected, await segment.Content.ReadAsByteArrayAsync());

        var lastPart = parsed.Segments[^1].Parts[^1];
        using var part = await Http.GetAsync($"/hls/hlsserve/{lastPart.Uri}");
        Assert.Equal(HttpStatusCode.OK, part.StatusCode);
        Assert.Equal(1000, (await part.Content.ReadAsByteArrayAsync()).Length);

        // A name of another run of the channel, an unknown name: 404 problems, not cached.
        using var stale = await Http.GetAsync("/hls/hlsserve/seg-other-0.m4s");
        Assert.Equal(HttpStatusCode.NotFound, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-store", stale.Headers.CacheControl!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/hls/hlsserve/what.ts")).StatusCode);

        // Free cache-busting keys are refused: a token segment on a public channel, a number with a leading zero.
        await AssertProblem(await Http.GetAsync($"/hls/hlsserve/{fixture.Access.Issue("hlsserve")}/index.m3u8"), HttpStatusCode.NotFound, "public");
        await AssertProblem(await Http.GetAsync($"/hls/hlsserve/anything/{lastPart.Uri}"), HttpStatusCode.NotFound, "public");
        var number = HlsNames.Parse(lastPart.Uri)!.Number;
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"/hls/hlsserve/part-ephlsserve-{number}.m4s")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/hls/hlsserve/part-ephlsserve-0{number}.m4s")).StatusCode);
    }

    [Fact]
    public async Task Should_vary_every_hls_response_by_origin_when_only_some_origins_are_allowed()
    {
        var (_, parts) = fixture.Live("hlsvary");
        parts.Gop(3);
        foreach (var path in new[] { "/hls/hlsvary/index.m3u8", "/hls/hlsvary/part-ephlsvary-0.m4s", "/hls/hlsvary/part-ephlsvary-999.m4s" })
        {
            // Without Origin (Safari's native player, ffmpeg, a CDN's prefetch): no CORS headers, but Vary: Origin, so
            // a shared cache never hands this response to a browser on the allowed origin.
            using (var plain = await Http.GetAsync(path))
            {
                Assert.Contains("Origin", plain.Headers.Vary);
                Assert.False(plain.Headers.Contains("Access-Control-Allow-Origin"), path);
            }
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Origin", HlsNodeFixture.PlayerOrigin);
            using var cors = await Http.SendAsync(request);
            Assert.Contains("Origin", cors.Headers.Vary);
            Assert.Equal(HlsNodeFixture.PlayerOrigin, cors.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }
    }

    [Fact]
    public async Task Should_refuse_blocking_requests_over_the_channel_cap_with_503_and_retry_after()
    {
        var (_, parts) = fixture.Live("hlscap");
        parts.Gop(2);
        var held = Enumerable.Range(0, HlsNodeFixture.HeldPerChannel).Select(_ => Http.GetAsync("/hls/hlscap/part-ephlscap-2.m4s")).ToList();
        await Eventually.True(() => fixture.Channels.Find("hlscap")!.Waiting == HlsNodeFixture.HeldPerChannel, TimeSpan.FromSeconds(10), "the cap's requests held");
        var refusedBefore = fixture.Channels.Counters.WaitsRefused;
        using var over = await Http.GetAsync("/hls/hlscap/index.m3u8?_HLS_msn=0&_HLS_part=2");
        Assert.Equal("1", over.Headers.RetryAfter!.ToString());
        await AssertProblem(over, HttpStatusCode.ServiceUnavailable, "Too many blocking requests");
        Assert.True(fixture.Channels.Counters.WaitsRefused > refusedBefore);
        using (var metrics = new InstrumentReader(fixture.Node.App.Services))
        {
            Assert.True(metrics.Count("communitystream.media.hls.waits.refused") > refusedBefore);
        }
        // What is already there is not held, so it is served whatever the cap.
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/hls/hlscap/index.m3u8?_HLS_msn=0&_HLS_part=1")).StatusCode);
        parts.Next(independent: false);
        foreach (var response in await Task.WhenAll(held).WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }
        Assert.Equal(0, fixture.Channels.Find("hlscap")!.Waiting);
    }

    [Fact]
    public async Task Should_answer_a_matching_etag_with_304_and_head_without_a_body()
    {
        var (_, parts) = fixture.Live("hlsetag");
        parts.Gop(3);
        using var first = await Http.GetAsync("/hls/hlsetag/index.m3u8");
        var etag = first.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, "/hls/hlsetag/index.m3u8");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        // RFC 9110 §13.1.2: a weak tag in a list matches too.
        using var weak = new HttpRequestMessage(HttpMethod.Get, "/hls/hlsetag/index.m3u8");
        weak.Headers.TryAddWithoutValidation("If-None-Match", $"\"other\", W/{etag.Tag}");
        Assert.Equal(HttpStatusCode.NotModified, (await Http.SendAsync(weak)).StatusCode);

        parts.Next(independent: false);
        using var changed = new HttpRequestMessage(HttpMethod.Get, "/hls/hlsetag/index.m3u8");
        changed.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(changed)).StatusCode);

        using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/hls/hlsetag/part-ephlsetag-0.m4s"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(1000, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Should_hold_a_blocking_reload_until_its_part_is_written()
    {
        var (_, parts) = fixture.Live("hlsblock");
        parts.Gop(2);
        // Part 2 of segment 0 does not exist yet: the request waits for it.
        var pending = Http.GetAsync("/hls/hlsblock/index.m3u8?_HLS_msn=0&_HLS_part=2");
        var preload = Http.GetAsync("/hls/hlsblock/part-ephlsblock-2.m4s");
        await Eventually.True(() => fixture.Channels.Counters.Waiting >= 2, TimeSpan.FromSeconds(10), "two requests held");
        Assert.False(pending.IsCompleted);
        var written = Stopwatch.GetTimestamp();
        parts.Next(independent: false);
        using var response = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, max-age=60", response.Headers.CacheControl!.ToString());
        var playlist = HlsPlaylistRules.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, playlist.Segments[0].Parts.Count);
        Assert.EndsWith("part-ephlsblock-3.m4s", playlist.PreloadHint, StringComparison.Ordinal);
        using var part = await preload.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, part.StatusCode);
        Assert.True(Stopwatch.GetElapsedTime(written) < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Should_refuse_malformed_and_far_future_directives_and_time_out_with_503()
    {
        var (_, parts) = fixture.Live("hlsrules");
        parts.Gop(3);
        await AssertProblem(await Http.GetAsync("/hls/hlsrules/index.m3u8?_HLS_part=1"), HttpStatusCode.BadRequest, "_HLS_part needs _HLS_msn");
        await AssertProblem(await Http.GetAsync("/hls/hlsrules/index.m3u8?_HLS_msn=-1"), HttpStatusCode.BadRequest, "_HLS_msn");
        // §6.2.5.2: segment 0 is live, so no Media Segment is complete: 1 is the furthest MSN (the last plus two).
        await AssertProblem(await Http.GetAsync("/hls/hlsrules/index.m3u8?_HLS_msn=2"), HttpStatusCode.BadRequest, "more than two segments");
        // PART-TARGET 0.2 s: the Advance Part Limit is 15 parts beyond the last (part 2).
        await AssertProblem(await Http.GetAsync("/hls/hlsrules/index.m3u8?_HLS_msn=0&_HLS_part=18"), HttpStatusCode.BadRequest, "15 parts");
        await AssertProblem(await Http.GetAsync("/hls/hlsrules/part-ephlsrules-9.m4s"), HttpStatusCode.NotFound, "preload hint");
        // Nothing more is written: after three target durations (3 s here) the answer is 503.
        using var late = await Http.GetAsync("/hls/hlsrules/index.m3u8?_HLS_msn=1");
        await AssertProblem(late, HttpStatusCode.ServiceUnavailable, "did not appear");
        Assert.Equal("1", late.Headers.RetryAfter!.ToString());
    }

    [Fact]
    public async Task Should_serve_a_delta_update_and_the_endlist_after_the_stream()
    {
        var (window, parts) = fixture.Live("hlsdelta");
        for (var i = 0; i < 40; i++)
        {
            parts.Gop(3);
        }
        var delta = HlsPlaylistRules.Parse(await Http.GetStringAsync("/hls/hlsdelta/index.m3u8?_HLS_msn=0&_HLS_skip=YES"));
        Assert.True(delta.Skipped > 0);
        window.End();
        // §6.2.5.1: _HLS_skip is ignored once the playlist has EXT-X-ENDLIST; a blocking answer with ENDLIST is
        // cached for a second only (a restart of the channel would answer the same query with its own playlist).
        using var endedBlocking = await Http.GetAsync($"/hls/hlsdelta/index.m3u8?_HLS_msn={window.NextPartNumber}&_HLS_skip=YES");
        Assert.Equal("public, max-age=1", endedBlocking.Headers.CacheControl!.ToString());
        var endedDelta = await endedBlocking.Content.ReadAsStringAsync();
        Assert.DoesNotContain("#EXT-X-SKIP", endedDelta, StringComparison.Ordinal);
        Assert.Contains("#EXT-X-ENDLIST", endedDelta, StringComparison.Ordinal);
        var ended = await Http.GetStringAsync("/hls/hlsdelta/index.m3u8");
        Assert.Contains("#EXT-X-ENDLIST", ended, StringComparison.Ordinal);
        Assert.DoesNotContain("PRELOAD-HINT", ended, StringComparison.Ordinal);
        Assert.Empty(HlsPlaylistRules.Check(ended));
    }

    [Fact]
    public async Task Should_say_404_for_a_channel_that_is_not_live_or_has_no_hls()
    {
        await AssertProblem(await Http.GetAsync("/hls/nobodyhere/index.m3u8"), HttpStatusCode.NotFound, "not live");
        fixture.Channels.Set(new HlsChannel("hlsvp8", null, mirrored: false, "HLS needs H.264 video: VP8 publisher; H.264 needed."));
        await AssertProblem(await Http.GetAsync("/hls/hlsvp8/index.m3u8"), HttpStatusCode.NotFound, "H.264");
    }

    [Fact]
    public async Task Should_want_a_valid_token_in_the_path_of_a_private_channel()
    {
        var (_, parts) = fixture.Live("hlssecret", isPrivate: true);
        parts.Gop(3);
        await AssertProblem(await Http.GetAsync("/hls/hlssecret/index.m3u8"), HttpStatusCode.Forbidden, "private");
        await AssertProblem(await Http.GetAsync("/hls/hlssecret/part-ephlssecret-0.m4s"), HttpStatusCode.Forbidden, "private");
        await AssertProblem(await Http.GetAsync($"/hls/hlssecret/{fixture.Access.Issue("hlsother")}/index.m3u8"), HttpStatusCode.Forbidden, "private");
        await AssertProblem(await Http.GetAsync("/hls/hlssecret/9999999999.AAAAAAAAAAAAAAAAAAAAAA/index.m3u8"), HttpStatusCode.Forbidden, "private");
        var token = fixture.Access.Issue("hlssecret");
        var text = await Http.GetStringAsync($"/hls/hlssecret/{token}/index.m3u8");
        // Relative URIs: the token in the path reaches every part without being written into the playlist.
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"/hls/hlssecret/{token}/part-ephlssecret-0.m4s")).StatusCode);
    }

    [Fact]
    public async Task Should_count_responses_by_kind_and_their_bytes_on_the_media_meter()
    {
        var (_, parts) = fixture.Live("hlsmeter");
        parts.Gop(3);
        using var metrics = new InstrumentReader(fixture.Node.App.Services);
        var partsBefore = metrics.Count("communitystream.media.hls.requests", "kind=part");
        var playlistsBefore = metrics.Count("communitystream.media.hls.requests", "kind=playlist");
        var bytesBefore = metrics.Count("communitystream.media.hls.sent.bytes");
        var body = await Http.GetByteArrayAsync("/hls/hlsmeter/part-ephlsmeter-1.m4s");
        var playlist = await Http.GetByteArrayAsync("/hls/hlsmeter/index.m3u8");
        Assert.Equal(partsBefore + 1, metrics.Count("communitystream.media.hls.requests", "kind=part"));
        Assert.Equal(playlistsBefore + 1, metrics.Count("communitystream.media.hls.requests", "kind=playlist"));
        // Other tests of the class may serve bytes meanwhile: at least these two bodies were counted.
        Assert.True(metrics.Count("communitystream.media.hls.sent.bytes") >= bytesBefore + body.Length + playlist.Length);
        Assert.NotNull(metrics.Read("communitystream.media.hls.waiting"));
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var text = problem.GetProperty("title").GetString() + " " + (problem.TryGetProperty("detail", out var d) ? d.GetString() : "");
            Assert.Contains(detail, text, StringComparison.Ordinal);
        }
    }
}

using System.Text.Json;
using CommunityStream.Web.Tests.Support;
using Microsoft.Playwright;

namespace CommunityStream.Web.Tests.Browser;

/// <summary>
/// The HLS fallback's pure logic in Chromium, on the modules as the Host serves them (as <see cref="ChatStateTests"/>
/// does): LL-HLS media playlists (parts, server control, preload hint, delta updates), a multivariant playlist's
/// CODECS, where to start (PART-HOLD-BACK behind live, on an independent part), what comes after the last part
/// appended, the blocking-reload query, the codecs of an fMP4 init segment; and random or truncated input, which
/// gives a playlist or a PlaylistError, never another exception.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class HlsPlaylistTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string LivePlaylist = """
        #EXTM3U
        #EXT-X-VERSION:9
        #EXT-X-TARGETDURATION:2
        #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0,CAN-SKIP-UNTIL=12.0
        #EXT-X-PART-INF:PART-TARGET=0.334
        #EXT-X-MEDIA-SEQUENCE:266
        #EXT-X-MAP:URI="init.mp4"
        #EXT-X-PROGRAM-DATE-TIME:2026-12-07T05:00:00.000Z
        #EXTINF:2.0,
        seg266.m4s
        #EXT-X-PART:DURATION=0.334,URI="seg267.0.m4s",INDEPENDENT=YES
        #EXT-X-PART:DURATION=0.333,URI="seg267.1.m4s"
        #EXT-X-PART:DURATION=0.333,URI="seg267.2.m4s"
        #EXT-X-PART:DURATION=0.334,URI="seg267.3.m4s",INDEPENDENT=YES
        #EXT-X-PART:DURATION=0.333,URI="seg267.4.m4s"
        #EXT-X-PART:DURATION=0.333,URI="seg267.5.m4s"
        #EXTINF:2.0,
        seg267.m4s
        #EXT-X-PART:DURATION=0.334,URI="seg268.0.m4s",INDEPENDENT=YES
        #EXT-X-PART:DURATION=0.333,URI="seg268.1.m4s"
        #EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg268.2.m4s"
        """;

    private InProcessNode _node = null!;
    private IBrowserContext? _context;
    private IPage _page = null!;
    private string _assets = "";

    public async Task InitializeAsync()
    {
        _node = await InProcessNode.StartAsync();
        if (browser.Unavailable is not null)
        {
            return;
        }
        _context = await browser.NewContextAsync(_node.BaseAddress);
        _page = await _context.NewPageAsync();
        await _page.GotoAsync("/login");
        _assets = await _page.EvaluateAsync<string>("() => new URL(document.querySelector('link[rel=stylesheet]').href).pathname.replace(/\\/css\\/.*$/, '')");
    }

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }
        await _node.DisposeAsync();
    }

    /// <summary>Runs <paramref name="body"/> with <c>P</c> = hls-playlist.js and <c>M</c> = mp4-codecs.js, <c>live</c> = the sample playlist.</summary>
    private async Task<JsonElement> RunAsync(string body)
    {
        browser.SkipIfUnavailable();
        var script = $$"""
            async ([assets, live]) => {
              const P = await import(assets + '/js/player/hls-playlist.js');
              const M = await import(assets + '/js/player/mp4-codecs.js');
              const result = await (async () => { {{body}} })();
              return JSON.stringify(result);
            }
            """;
        var json = await _page.EvaluateAsync<string>(script, new[] { _assets, LivePlaylist });
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString() ?? "null")];

    [SkippableFact]
    public async Task A_live_playlist_gives_segments_parts_server_control_and_the_next_blocking_request()
    {
        var r = await RunAsync("""
            const p = P.parsePlaylist(live);
            const items = P.mediaItems(p);
            return {
              kind: p.kind, target: p.targetDuration, sequence: p.mediaSequence, map: p.map, partTarget: p.partTarget,
              block: p.canBlockReload, holdBack: p.partHoldBack, hint: p.preloadHint, ended: p.ended,
              segments: p.segments.map(s => [s.msn, s.uri, s.parts.length]),
              date: p.segments[0].programDateTime,
              items: items.map(i => `${i.msn}.${i.index}${i.independent ? '*' : ''}`),
              next: P.nextBlockingRequest(p),
              url: P.blockingUrl('/hls/alice/index.m3u8?token=t', P.nextBlockingRequest(p)),
            };
            """);
        Assert.Equal("media", r.GetProperty("kind").GetString());
        Assert.Equal(2, r.GetProperty("target").GetDouble());
        Assert.Equal(266, r.GetProperty("sequence").GetInt32());
        Assert.Equal("init.mp4", r.GetProperty("map").GetString());
        Assert.Equal(0.334, r.GetProperty("partTarget").GetDouble());
        Assert.True(r.GetProperty("block").GetBoolean());
        Assert.Equal(1.0, r.GetProperty("holdBack").GetDouble());
        Assert.Equal("seg268.2.m4s", r.GetProperty("hint").GetString());
        Assert.False(r.GetProperty("ended").GetBoolean());
        Assert.Equal("[[266,\"seg266.m4s\",0],[267,\"seg267.m4s\",6],[268,null,2]]", r.GetProperty("segments").GetRawText());
        Assert.Equal(DateTimeOffset.Parse("2026-12-07T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), r.GetProperty("date").GetInt64());
        // Segment 266 has no parts left: whole; 267 and 268 by parts.
        Assert.Equal(["266.-1*", "267.0*", "267.1", "267.2", "267.3*", "267.4", "267.5", "268.0*", "268.1"],
            Strings(r.GetProperty("items")));
        Assert.Equal("{\"msn\":268,\"part\":2}", r.GetProperty("next").GetRawText());
        Assert.Equal("/hls/alice/index.m3u8?token=t&_HLS_msn=268&_HLS_part=2", r.GetProperty("url").GetString());
    }

    [SkippableFact]
    public async Task The_start_is_hold_back_behind_live_on_an_independent_part_and_playback_continues_after_the_last_part()
    {
        var r = await RunAsync("""
            const items = P.mediaItems(P.parsePlaylist(live));
            const label = (i) => i < 0 ? null : `${items[i].msn}.${items[i].index}`;
            const after = (msn, index) => P.itemsAfter(items, { msn, index }).map(i => `${i.msn}.${i.index}`);
            return {
              // 1.0 s behind the edge: 268.1 + 268.0 = 0.667 s; 267.5 makes 1.0 s but is not independent; 267.3 is.
              start: label(P.startIndex(items, 1.0)),
              startZero: label(P.startIndex(items, 0)),
              startFar: label(P.startIndex(items, 100)),
              afterPart: after(267, 4),
              afterLast: after(268, 1),
              afterWhole: after(266, -1),
              fellBehind: after(267, 5).length,
              none: P.startIndex([], 1),
            };
            """);
        Assert.Equal("267.3", r.GetProperty("start").GetString());
        Assert.Equal("268.0", r.GetProperty("startZero").GetString());
        Assert.Equal("266.-1", r.GetProperty("startFar").GetString());
        Assert.Equal(["267.5", "268.0", "268.1"], Strings(r.GetProperty("afterPart")));
        Assert.Empty(r.GetProperty("afterLast").EnumerateArray());
        Assert.Equal(8, r.GetProperty("afterWhole").GetArrayLength());
        Assert.Equal(2, r.GetProperty("fellBehind").GetInt32());
        Assert.Equal(-1, r.GetProperty("none").GetInt32());
    }

    [SkippableFact]
    public async Task Multivariant_CODECS_delta_updates_segment_only_playlists_and_completed_segments()
    {
        var r = await RunAsync("""
            const multi = P.parsePlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2000000,CODECS="avc1.42e01f,opus",RESOLUTION=1280x720\nlive/index.m3u8\n');
            const delta = P.parsePlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12\n#EXT-X-MEDIA-SEQUENCE:10\n#EXT-X-SKIP:SKIPPED-SEGMENTS=3\n#EXTINF:2,\ns13.m4s\n');
            const vod = P.parsePlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:1,\na.m4s\n#EXTINF:1,\nb.m4s\n#EXT-X-ENDLIST\n');
            // The last segment complete, no part of the next yet: block for part 0 of the next segment.
            const complete = P.parsePlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1\n#EXT-X-PART-INF:PART-TARGET=0.5\n#EXT-X-MEDIA-SEQUENCE:4\n#EXT-X-PART:DURATION=0.5,URI="p.m4s",INDEPENDENT=YES\n#EXTINF:2,\ns4.m4s\n');
            return {
              multi, delta: delta.segments.map(s => s.msn), vodNext: P.nextBlockingRequest(vod), vodEnded: vod.ended,
              vodItems: P.mediaItems(vod).map(i => i.uri), completeNext: P.nextBlockingRequest(complete),
              segmentOnly: P.blockingUrl('/hls/a/index.m3u8', { msn: 7, part: -1 }),
              plain: P.blockingUrl('/hls/a/index.m3u8?_HLS_msn=1&_HLS_part=2', null),
              attrs: [...P.parseAttributes('URI="a,b.m4s",DURATION=0.5,INDEPENDENT=YES')],
            };
            """);
        Assert.Equal("multivariant", r.GetProperty("multi").GetProperty("kind").GetString());
        Assert.Equal("live/index.m3u8", r.GetProperty("multi").GetProperty("uri").GetString());
        Assert.Equal("avc1.42e01f,opus", r.GetProperty("multi").GetProperty("codecs").GetString());
        Assert.Equal([13], r.GetProperty("delta").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.Equal(JsonValueKind.Null, r.GetProperty("vodNext").ValueKind);
        Assert.True(r.GetProperty("vodEnded").GetBoolean());
        Assert.Equal(["a.m4s", "b.m4s"], Strings(r.GetProperty("vodItems")));
        Assert.Equal("{\"msn\":5,\"part\":0}", r.GetProperty("completeNext").GetRawText());
        Assert.Equal("/hls/a/index.m3u8?_HLS_msn=7", r.GetProperty("segmentOnly").GetString());
        Assert.Equal("/hls/a/index.m3u8", r.GetProperty("plain").GetString());
        Assert.Equal("[[\"URI\",\"a,b.m4s\"],[\"DURATION\",\"0.5\"],[\"INDEPENDENT\",\"YES\"]]", r.GetProperty("attrs").GetRawText());
    }

    [SkippableFact]
    public async Task Codecs_come_from_the_init_segments_sample_entries_and_broken_boxes_give_none()
    {
        var r = await RunAsync("""
            const box = (type, ...bodies) => {
              const body = bodies.flatMap(b => [...b]);
              const size = 8 + body.length;
              return new Uint8Array([size >>> 24, (size >>> 16) & 255, (size >>> 8) & 255, size & 255, ...[...type].map(c => c.charCodeAt(0)), ...body]);
            };
            const zeros = (n) => new Uint8Array(n);
            // avc1: 78 bytes of VisualSampleEntry fields, then avcC (version 1, profile 0x64, compat 0x00, level 0x1f).
            const avc1 = box('avc1', zeros(78), box('avcC', [1, 0x64, 0x00, 0x1f, 0xff, 0xe0, 0]));
            const opus = box('Opus', zeros(28));
            const stsd = (...entries) => box('stsd', zeros(8), ...entries);
            const trak = (entry) => box('trak', box('mdia', box('minf', box('stbl', stsd(entry)))));
            const init = new Uint8Array([...box('ftyp', [...'iso6'].map(c => c.charCodeAt(0)), zeros(4)), ...box('moov', box('mvhd', zeros(100)), trak(avc1), trak(opus))]);
            const truncated = [];
            for (let n = 0; n < init.length; n += 7) truncated.push(M.codecsOfInit(init.slice(0, n)).join(','));
            const random = [];
            let seed = 7;
            const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
            for (let i = 0; i < 300; i++) {
              const bytes = init.slice();
              for (let k = 0; k < 4; k++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
              random.push(M.codecsOfInit(bytes).length);
            }
            return { codecs: M.codecsOfInit(init), truncated: [...new Set(truncated)], random: Math.max(...random) };
            """);
        Assert.Equal(["avc1.64001f", "opus"], Strings(r.GetProperty("codecs")));
        // Cut anywhere, the init gives no codec, or only the tracks that are whole.
        Assert.All(r.GetProperty("truncated").EnumerateArray().Select(e => e.GetString()), c => Assert.Contains(c, new[] { "", "avc1.64001f" }));
        Assert.True(r.GetProperty("random").GetInt32() <= 2);
    }

    [SkippableFact]
    public async Task Random_and_truncated_playlists_give_a_playlist_or_a_PlaylistError_and_nothing_else()
    {
        var r = await RunAsync("""
            const outcomes = { parsed: 0, refused: 0, other: [] };
            const attempt = (text) => {
              try {
                const p = P.parsePlaylist(text);
                if (p.kind === 'media') { P.mediaItems(p); P.nextBlockingRequest(p); P.startIndex(P.mediaItems(p), p.partHoldBack ?? 3); }
                outcomes.parsed++;
              } catch (e) {
                if (e instanceof P.PlaylistError) outcomes.refused++;
                else outcomes.other.push(String(e));
              }
            };
            for (let n = 0; n <= live.length; n += 3) attempt(live.slice(0, n));
            let seed = 11;
            const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
            const alphabet = '#EXT-X-PART:=,"URI DURATION0.5\n\r-YES';
            for (let i = 0; i < 500; i++) {
              const chars = [...live];
              for (let k = 0; k < 6; k++) chars[Math.floor(rnd() * chars.length)] = alphabet[Math.floor(rnd() * alphabet.length)];
              attempt(chars.join(''));
              let noise = '#EXTM3U\n';
              for (let k = 0; k < 80; k++) noise += alphabet[Math.floor(rnd() * alphabet.length)];
              attempt(noise);
            }
            attempt('');
            attempt('#EXTM3U\n' + '#EXT-X-PART:DURATION=1,URI="x"\n'.repeat(25000));
            return outcomes;
            """);
        Assert.Empty(r.GetProperty("other").EnumerateArray());
        Assert.True(r.GetProperty("parsed").GetInt32() > 100, r.GetRawText());
        Assert.True(r.GetProperty("refused").GetInt32() > 100, r.GetRawText());
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Playwright;

namespace CommunityStream.Web.Tests.Support;

/// <summary>
/// A live LL-HLS origin made from ffmpeg's fMP4 output, served to a page through Playwright routing at the address the
/// Host uses (<c>/hls/{channel}/…</c>), until the real packager serves the page. ffmpeg cuts 0.5 s fragments, each
/// starting on a keyframe (H.264 baseline + Opus, muxed); here each fragment is a part, four parts make a 2 s segment
/// (the parts' bytes concatenated), and a part "appears" every 0.5 s of wall clock. Playlists follow RFC 8216bis:
/// EXT-X-SERVER-CONTROL with CAN-BLOCK-RELOAD and PART-HOLD-BACK, EXT-X-PART-INF, parts listed for the last three
/// segments, EXT-X-PRELOAD-HINT; a blocking reload (<c>_HLS_msn</c>/<c>_HLS_part</c>) is held until that part exists.
/// Every request is logged for the test's assertions.
/// </summary>
internal sealed class FixtureLlHls : IDisposable
{
    public const double PartSeconds = 0.5;
    public const int PartsPerSegment = 4;
    private const int InitialParts = 8;

    private readonly TempDirectory _directory;
    private readonly byte[][] _parts;
    private readonly byte[] _init;
    private readonly Stopwatch _clock = new();

    private FixtureLlHls(TempDirectory directory, byte[] init, byte[][] parts)
    {
        _directory = directory;
        _init = init;
        _parts = parts;
    }

    /// <summary>Every request the page made, as path and query.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Null (with the reason) when ffmpeg is not installed.</summary>
    public static async Task<(FixtureLlHls? Fixture, string? Unavailable)> CreateAsync(int seconds = 40)
    {
        if (!File.Exists("/usr/bin/ffmpeg"))
        {
            const string missing = "/usr/bin/ffmpeg is not installed (apt-get install -y ffmpeg; .ci/run does it)";
            // CI installs ffmpeg and sets this: there the test fails instead of skipping.
            return Environment.GetEnvironmentVariable("CS_TEST_REQUIRE_FFMPEG") == "1" ? throw new InvalidOperationException(missing) : (null, missing);
        }
        var directory = new TempDirectory();
        var arguments = string.Join(' ',
            "-v error -f lavfi -i testsrc=size=320x240:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000",
            $"-t {seconds} -map 0:v -map 1:a -c:v libx264 -preset ultrafast -tune zerolatency -profile:v baseline -pix_fmt yuv420p",
            "-g 15 -keyint_min 15 -sc_threshold 0 -c:a libopus -b:a 64k",
            $"-f hls -hls_segment_type fmp4 -hls_time {PartSeconds.ToString(CultureInfo.InvariantCulture)} -hls_playlist_type vod",
            "-hls_fmp4_init_filename init.mp4 -hls_segment_filename p%03d.m4s index.m3u8");
        using var ffmpeg = Process.Start(new ProcessStartInfo("/usr/bin/ffmpeg", arguments)
        {
            WorkingDirectory = directory.Path,
            RedirectStandardError = true,
        })!;
        var errors = ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.True(ffmpeg.ExitCode == 0, "ffmpeg failed: " + await errors);
        var parts = Directory.GetFiles(directory.Path, "p*.m4s").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        Assert.True(parts.Length >= InitialParts + 16, $"ffmpeg wrote {parts.Length} fragments");
        return (new FixtureLlHls(directory, File.ReadAllBytes(Path.Combine(directory.Path, "init.mp4")), parts), null);
    }

    /// <summary>Serves <c>/hls/{channel}/…</c> to every page of <paramref name="context"/>; the live clock starts now.</summary>
    public Task RouteAsync(IBrowserContext context, string channel)
    {
        _clock.Restart();
        return context.RouteAsync($"**/hls/{channel}/**", HandleAsync);
    }

    private int Available => Math.Min(_parts.Length, InitialParts + (int)(_clock.Elapsed.TotalSeconds / PartSeconds));

    private async Task HandleAsync(IRoute route)
    {
        var url = new Uri(route.Request.Url);
        Requests.Enqueue(url.PathAndQuery);
        var name = url.Segments[^1];
        if (name == "index.m3u8")
        {
            var query = System.Web.HttpUtility.ParseQueryString(url.Query);
            if (int.TryParse(query["_HLS_msn"], CultureInfo.InvariantCulture, out var msn))
            {
                // The part asked for (a part index past the segment's last is part 0 of the next segment), or the
                // whole segment without _HLS_part.
                var wanted = int.TryParse(query["_HLS_part"], CultureInfo.InvariantCulture, out var part)
                    ? (msn * PartsPerSegment) + part
                    : ((msn + 1) * PartsPerSegment) - 1;
                if (wanted >= Available + (3 * PartsPerSegment))
                {
                    await FulfillAsync(route, 400, "text/plain", "too far in the future"u8.ToArray());
                    return;
                }
                var deadline = Stopwatch.StartNew();
                while (Available <= wanted && Available < _parts.Length && deadline.Elapsed < TimeSpan.FromSeconds(6))
                {
                    await Task.Delay(20);
                }
            }
            await FulfillAsync(route, 200, "application/vnd.apple.mpegurl", Encoding.UTF8.GetBytes(Playlist(Available)));
            return;
        }
        var body = name switch
        {
            "init.mp4" => _init,
            _ when name.StartsWith('p') && int.TryParse(name[1..^4], CultureInfo.InvariantCulture, out var p) && p < Available => _parts[p],
            _ when name.StartsWith('s') && int.TryParse(name[1..^4], CultureInfo.InvariantCulture, out var s) && ((s + 1) * PartsPerSegment) <= Available =>
                [.. Enumerable.Range(s * PartsPerSegment, PartsPerSegment).SelectMany(i => _parts[i])],
            _ => null,
        };
        if (body is null)
        {
            await FulfillAsync(route, 404, "text/plain", "no such part"u8.ToArray());
            return;
        }
        await FulfillAsync(route, 200, "video/mp4", body);
    }

    /// <summary>The media playlist when <paramref name="available"/> parts exist.</summary>
    public static string Playlist(int available)
    {
        var complete = available / PartsPerSegment;
        var first = Math.Max(0, complete - 6);
        var text = new StringBuilder();
        text.Append("#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:2\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK={3 * PartSeconds:0.0##}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-PART-INF:PART-TARGET={PartSeconds:0.0##}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-MEDIA-SEQUENCE:{first}\n#EXT-X-MAP:URI=\"init.mp4\"\n");
        for (var msn = first; msn <= complete; msn++)
        {
            var partsHere = Math.Min(PartsPerSegment, available - (msn * PartsPerSegment));
            if (msn >= complete - 3)
            {
                for (var i = 0; i < partsHere; i++)
                {
                    var p = (msn * PartsPerSegment) + i;
                    text.Append(CultureInfo.InvariantCulture, $"#EXT-X-PART:DURATION={PartSeconds:0.0##},URI=\"p{p:000}.m4s\",INDEPENDENT=YES\n");
                }
            }
            if (msn < complete)
            {
                text.Append(CultureInfo.InvariantCulture, $"#EXTINF:{PartsPerSegment * PartSeconds:0.0##},\ns{msn}.m4s\n");
            }
        }
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"p{available:000}.m4s\"\n");
        return text.ToString();
    }

    private static Task FulfillAsync(IRoute route, int status, string contentType, byte[] body) =>
        route.FulfillAsync(new RouteFulfillOptions
        {
            Status = status,
            ContentType = contentType,
            BodyBytes = body,
            Headers = new Dictionary<string, string> { ["Cache-Control"] = "no-cache" },
        });

    public void Dispose() => _directory.Dispose();
}

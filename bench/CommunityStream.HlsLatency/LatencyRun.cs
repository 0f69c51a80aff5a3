using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommunityStream.HlsLatency;

/// <summary>
/// Drives the one Chromium: the publisher page goes live, the LL-HLS and WHEP viewer pages play at the same time
/// (both see the same publisher, machine and moment), samples are dropped over the warm-up and gathered over the
/// measured window. Latency = the viewer's Date.now() when the frame was presented minus the timecode drawn on it.
/// </summary>
internal static class LatencyRun
{
    private sealed record Taken(double[][] Samples, long Frames, long Unreadable, string State, double? HoldBack, string Size);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static async Task<IReadOnlyList<LatencyFigures>> RunAsync(LatencyOptions options, TextWriter log)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--allow-loopback-in-peer-connection",
                "--disable-features=WebRtcHideLocalIpsWithMdns", "--autoplay-policy=no-user-gesture-required",
                // Three pages in one browser: none of them may be throttled as a background tab.
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
            ],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = options.Server.ToString(),
            ViewportSize = new ViewportSize { Width = 700, Height = 420 },
        });
        // The pages live in the Host's origin (same-origin WHIP, WHEP, HLS and the player's modules) without the
        // Host serving them: Playwright answers these URLs itself.
        await context.RouteAsync("**" + PageAssets.Prefix + "**", async route =>
        {
            var name = new Uri(route.Request.Url).AbsolutePath[PageAssets.Prefix.Length..];
            await route.FulfillAsync(new RouteFulfillOptions
            {
                Status = 200,
                ContentType = name.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript" : "text/html",
                Body = PageAssets.Read(name),
            });
        });
        var console = new List<string>();

        var publisher = await OpenAsync(context, "publisher.html", console);
        var state = await publisher.EvaluateAsync<string>("([key, channel]) => goLive(key, channel)", new[] { options.StreamKey, options.Channel });
        log.WriteLine($"hlslatency: publisher {state}");
        if (state != "connected")
        {
            throw new InvalidOperationException("the publisher did not go live: " + state);
        }
        await WaitForPlaylistAsync(options, log);

        var viewers = new Dictionary<string, IPage>(StringComparer.Ordinal);
        foreach (var via in new[] { "hls", "whep" })
        {
            viewers[via] = await OpenAsync(context, $"viewer.html?via={via}&channel={Uri.EscapeDataString(options.Channel)}", console);
        }

        log.WriteLine($"hlslatency: warm-up {options.Warmup:F0} s");
        var warmupEnd = Stopwatch.GetTimestamp() + (long)(options.Warmup * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < warmupEnd)
        {
            await Task.Delay(1000);
            foreach (var (via, page) in viewers)
            {
                var t = await TakeAsync(page);
                log.WriteLine($"hlslatency: warm-up {via}: {t.State}, {t.Frames} frames, {t.Samples.Length} readable this second");
            }
        }

        var start = new Dictionary<string, Taken>(StringComparer.Ordinal);
        foreach (var (via, page) in viewers)
        {
            start[via] = await TakeAsync(page);
        }
        var samples = viewers.Keys.ToDictionary(k => k, _ => new List<double>(), StringComparer.Ordinal);
        var last = new Dictionary<string, Taken>(start, StringComparer.Ordinal);
        log.WriteLine($"hlslatency: measuring {options.Duration:F0} s");
        var end = Stopwatch.GetTimestamp() + (long)(options.Duration * Stopwatch.Frequency);
        var tick = 0;
        while (Stopwatch.GetTimestamp() < end)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(2, Math.Max(0.05, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), end).TotalSeconds))));
            foreach (var (via, page) in viewers)
            {
                var t = await TakeAsync(page);
                samples[via].AddRange(t.Samples.Select(s => s[1] - s[0]));
                last[via] = t;
            }
            if (++tick % 5 == 0)
            {
                log.WriteLine($"hlslatency: publisher {await publisher.EvaluateAsync<string>("() => sent()")}; "
                    + string.Join("; ", viewers.Keys.Select(v => $"{v} {last[v].State} n={samples[v].Count} last={(samples[v].Count > 0 ? samples[v][^1] : 0):F0} ms")));
            }
        }
        foreach (var line in console.Take(20))
        {
            log.WriteLine("hlslatency: page: " + line);
        }
        return [.. viewers.Keys.Select(v => LatencyFigures.Of(v, samples[v], last[v].Frames - start[v].Frames, last[v].Unreadable - start[v].Unreadable,
            v == "hls" ? last[v].HoldBack : null, last[v].Size))];
    }

    private static async Task<IPage> OpenAsync(IBrowserContext context, string path, List<string> console)
    {
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                lock (console)
                {
                    console.Add($"{path}: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (console)
            {
                console.Add($"{path}: {error}");
            }
        };
        await page.GotoAsync(PageAssets.Prefix + path);
        return page;
    }

    private static async Task<Taken> TakeAsync(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>("() => take()");
        return json.Deserialize<Taken>(Web)!;
    }

    private static async Task WaitForPlaylistAsync(LatencyOptions options, TextWriter log)
    {
        using var http = new HttpClient { BaseAddress = options.Server, Timeout = TimeSpan.FromSeconds(10) };
        var until = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < until)
        {
            using var response = await http.GetAsync($"hls/{Uri.EscapeDataString(options.Channel)}/index.m3u8");
            if (response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains("#EXT-X-PART:", StringComparison.Ordinal))
            {
                log.WriteLine("hlslatency: the LL-HLS playlist has parts");
                return;
            }
            await Task.Delay(500);
        }
        throw new InvalidOperationException("no LL-HLS playlist with parts within 60 s");
    }
}

using Microsoft.Playwright;

namespace CommunityStream.WebBudget;

/// <summary>
/// (b) Navigation start to the first decoded video frame on <c>/c/{channel}</c>: each load in a fresh context (empty
/// cache, no session), as a first visit. An init script, installed before the page's own, watches for
/// <c>video#player-video</c> (whenever the page creates or replaces it) and records the earliest of
/// <c>requestVideoFrameCallback</c> and <c>getVideoPlaybackQuality().totalVideoFrames &gt; 0</c>, in
/// <c>performance.now()</c> milliseconds, whose origin is the navigation start. It relies on nothing else of the page.
/// </summary>
internal static class FirstFrameProbe
{
    private const string Watch = """
        (() => {
          window.__firstFrame = null;
          const seen = new WeakSet();
          const done = (at, how) => { if (window.__firstFrame === null) window.__firstFrame = { at, how }; };
          const hook = () => {
            const video = document.querySelector('video#player-video');
            if (!video) return;
            if (!seen.has(video)) {
              seen.add(video);
              if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(() => done(performance.now(), 'requestVideoFrameCallback'));
            }
            const quality = video.getVideoPlaybackQuality?.();
            if (quality && quality.totalVideoFrames > 0) done(performance.now(), 'totalVideoFrames');
          };
          const timer = setInterval(() => { hook(); if (window.__firstFrame !== null) clearInterval(timer); }, 4);
        })();
        """;

    // The floor the watch page is measured against: the least a page can do to show the stream — one inline script,
    // no modules, no CSS, no chat — served at a path of the same site by the bench itself (Playwright's router), so
    // WHEP is same-origin exactly as for the app.
    private const string BarePage = """
        <!doctype html><html><head><meta charset="utf-8"><title>bare WHEP</title></head><body>
        <video id="player-video" autoplay muted playsinline></video>
        <script>
          (async () => {
            const pc = new RTCPeerConnection();
            pc.addTransceiver('video', { direction: 'recvonly' });
            pc.addTransceiver('audio', { direction: 'recvonly' });
            pc.ontrack = (e) => { const v = document.getElementById('player-video'); if (!v.srcObject) v.srcObject = e.streams[0] ?? new MediaStream([e.track]); };
            await pc.setLocalDescription(await pc.createOffer());
            await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); setTimeout(r, 2000); });
            const answer = await fetch('/whep/CHANNEL', { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
            await pc.setRemoteDescription({ type: 'answer', sdp: await answer.text() });
          })();
        </script></body></html>
        """;

    public sealed record Load(double? Milliseconds, string How, string? PlayerState);

    /// <summary>One load of the floor page (<see cref="BarePage"/>) in a fresh context.</summary>
    public static async Task<Load> MeasureBareOnceAsync(IBrowser browser, Uri site, string channel, TimeSpan timeout)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.ToString() });
        await context.RouteAsync("**/__bench/bare-whep", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "text/html; charset=utf-8",
            Body = BarePage.Replace("CHANNEL", channel, StringComparison.Ordinal),
        }));
        return await LoadAsync(context, "/__bench/bare-whep", timeout);
    }

    public static async Task<Load> MeasureOnceAsync(IBrowser browser, Uri site, string channel, TimeSpan timeout)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.ToString() });
        return await LoadAsync(context, $"/c/{channel}", timeout);
    }

    private static async Task<Load> LoadAsync(IBrowserContext context, string path, TimeSpan timeout)
    {
        await context.AddInitScriptAsync(Watch);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        try
        {
            await page.WaitForFunctionAsync("() => window.__firstFrame !== null", null, new PageWaitForFunctionOptions { Timeout = (float)timeout.TotalMilliseconds, PollingInterval = 20 });
        }
        catch (TimeoutException)
        {
            return new Load(null, "timeout", await StateAsync(page));
        }
        var at = await page.EvaluateAsync<double>("() => window.__firstFrame.at");
        var how = await page.EvaluateAsync<string>("() => window.__firstFrame.how");
        return new Load(at, how, await StateAsync(page));
    }

    private static Task<string?> StateAsync(IPage page) =>
        page.EvaluateAsync<string?>("() => document.querySelector('#player')?.dataset.state ?? (document.querySelector('video#player-video') ? 'no #player' : 'no video#player-video')");

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

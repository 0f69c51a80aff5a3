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

    public sealed record Load(double? Milliseconds, string How, string? PlayerState);

    public static async Task<Load> MeasureOnceAsync(IBrowser browser, Uri site, string channel, TimeSpan timeout)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.ToString() });
        await context.AddInitScriptAsync(Watch);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/c/{channel}", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
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

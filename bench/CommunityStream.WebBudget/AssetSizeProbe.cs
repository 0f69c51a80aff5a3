using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace CommunityStream.WebBudget;

/// <summary>One JS or CSS file the watch page loaded, with the bytes that crossed the wire for its body.</summary>
internal sealed record LoadedAsset(string Url, string Type, string? Encoding, long WireBytes);

/// <summary>
/// (a) Loads <c>/c/{channel}</c> in a fresh context (empty cache), waits until the network is idle and a little
/// longer (modules a page imports late count too), and sums the response bodies of every script and stylesheet as
/// served: the encoded size Chromium received (<c>Request.SizesAsync().ResponseBodySize</c>), Brotli when the site
/// serves it (the encoding of each file is listed, so a file served uncompressed shows).
/// </summary>
internal static class AssetSizeProbe
{
    public static async Task<IReadOnlyList<LoadedAsset>> MeasureAsync(IBrowser browser, Uri site, string channel)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.ToString() });
        var page = await context.NewPageAsync();
        var finished = new ConcurrentQueue<IRequest>();
        page.RequestFinished += (_, request) =>
        {
            if (request.ResourceType is "script" or "stylesheet")
            {
                finished.Enqueue(request);
            }
        };

        var response = await page.GotoAsync($"/c/{channel}", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        if (response is null || !response.Ok)
        {
            throw new InvalidOperationException($"/c/{channel} answered {response?.Status}");
        }
        await page.WaitForTimeoutAsync(2000);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var assets = new List<LoadedAsset>();
        foreach (var request in finished.DistinctBy(r => r.Url))
        {
            var sizes = await request.SizesAsync();
            var served = await request.ResponseAsync();
            var encoding = served is null ? null : await served.HeaderValueAsync("content-encoding");
            assets.Add(new LoadedAsset(new Uri(request.Url).AbsolutePath, request.ResourceType, encoding, sizes.ResponseBodySize));
        }
        return [.. assets.OrderByDescending(a => a.WireBytes)];
    }
}

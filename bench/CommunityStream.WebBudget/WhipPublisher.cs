using Microsoft.Playwright;

namespace CommunityStream.WebBudget;

/// <summary>
/// The live channel the first-frame figure needs: a second Chromium context on the site that publishes the fake
/// camera and microphone over WHIP with the stream key (the same offer/answer a browser studio or OBS makes).
/// </summary>
internal sealed class WhipPublisher : IAsyncDisposable
{
    private const string Publish = """
        async ({ channel, key }) => {
          const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 1280, height: 720, frameRate: 30 } });
          window.publisher = new RTCPeerConnection();
          for (const track of stream.getTracks()) publisher.addTransceiver(track, { direction: 'sendonly' });
          await publisher.setLocalDescription(await publisher.createOffer());
          const response = await fetch('/whip/' + channel, { method: 'POST', body: publisher.localDescription.sdp,
            headers: { 'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + key } });
          const body = await response.text();
          if (response.status !== 201) return response.status + ' ' + body;
          window.whipSession = new URL(response.headers.get('Location'), location.href).toString();
          await publisher.setRemoteDescription({ type: 'answer', sdp: body });
          return '201';
        }
        """;

    private readonly IBrowserContext _context;
    private readonly IPage _page;
    private readonly string _key;

    private WhipPublisher(IBrowserContext context, IPage page, string key)
    {
        _context = context;
        _page = page;
        _key = key;
    }

    public static async Task<WhipPublisher> StartAsync(IBrowser browser, Uri site, string channel, string key)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.ToString(), Permissions = ["camera", "microphone"] });
        var page = await context.NewPageAsync();
        // Any page of the site: the script's fetch() is then same-origin.
        await page.GotoAsync("/login");
        var result = await page.EvaluateAsync<string>(Publish, new { channel, key });
        if (result != "201")
        {
            await context.DisposeAsync();
            throw new InvalidOperationException($"WHIP publish to {channel}: {result}");
        }
        return new WhipPublisher(context, page, key);
    }

    /// <summary>Waits until the site lists the channel as live (its stream list refreshes every 2 s).</summary>
    public static async Task WaitListedAsync(Uri site, string channel, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = site };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var json = await http.GetStringAsync($"/api/streams/{channel}");
            if (json.Contains("\"live\":true", StringComparison.Ordinal))
            {
                return;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{channel} did not go live within {timeout.TotalSeconds:0} s");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _page.EvaluateAsync("async (key) => { await fetch(whipSession, { method: 'DELETE', headers: { 'Authorization': 'Bearer ' + key } }); publisher.close(); }", _key);
        }
        catch (PlaywrightException)
        {
            // the page is gone: the server ends the stream when the media stops
        }
        await _context.DisposeAsync();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CommunityStream.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace CommunityStream.Web.Tests.Browser;

/// <summary>
/// <c>/studio</c> in headless Chromium with the fake camera and microphone against a real node: who may use it, going
/// live over WHIP with the account's access token, the title, the live figures, ending, and the OBS stream key.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class StudioTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private InProcessNode _node = null!;

    public async Task InitializeAsync() => _node = await InProcessNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [SkippableFact]
    public async Task Studio_asks_visitors_to_sign_in_and_tells_a_viewer_that_an_admin_grants_the_streamer_role()
    {
        browser.SkipIfUnavailable();
        await _node.RegisterAsync("plainviewer");
        await using var context = await browser.NewContextAsync(_node.BaseAddress, 360, 740);
        var page = await context.NewPageAsync();
        var problems = await PageProblems.WatchAsync(page);

        await page.GotoAsync("/studio");
        await Expect(page.Locator("#studio-signed-out")).ToContainTextAsync("Sign in");
        await Expect(page.Locator("#studio-signed-out a[href^='/login']")).ToBeVisibleAsync();
        await Expect(page.Locator("#go-live")).ToHaveCountAsync(0);

        await StudioAccounts.SignInAsync(page, "plainviewer");
        await page.ReloadAsync();
        await Expect(page.Locator("#studio-not-streamer")).ToContainTextAsync("must grant you the streamer role");
        await Expect(page.Locator("#go-live")).ToHaveCountAsync(0);
        problems.AssertNone();
    }

    [SkippableFact]
    public async Task Streamer_goes_live_from_the_studio_sets_the_title_sees_the_figures_and_ends_the_stream()
    {
        browser.SkipIfUnavailable();
        var admin = await _node.CreateAdminAsync("admin");
        await _node.RegisterAsync("caster", admin, "viewer", "streamer");
        await using var context = await browser.NewContextAsync(_node.BaseAddress);
        var page = await context.NewPageAsync();
        var problems = await PageProblems.WatchAsync(page);
        await page.GotoAsync("/");
        await StudioAccounts.SignInAsync(page, "caster");

        await page.GotoAsync("/studio");
        await Expect(page.Locator("#studio-state")).ToHaveTextAsync("Offline");
        await Expect(page.Locator("#obs-server-url")).ToHaveValueAsync(new Uri(_node.BaseAddress, "/whip/caster").ToString());
        // The preview shows the fake camera before going live, and never plays the microphone back.
        await page.WaitForFunctionAsync("() => document.querySelector('#studio-preview').readyState >= 2", null, new() { Timeout = 10_000 });
        Assert.True(await page.EvalOnSelectorAsync<bool>("#studio-preview", "v => v.muted"));
        await Expect(page.Locator("#studio-camera option")).Not.ToHaveCountAsync(0);

        await page.ClickAsync("#go-live");
        await Expect(page.Locator("#studio-state")).ToHaveTextAsync("Live", new() { Timeout = 15_000 });
        await Expect(page.Locator("#end-stream")).ToBeEnabledAsync();
        await Eventually.Until(() => StudioAccounts.StreamAsync(_node, "caster"), s => s.GetProperty("live").GetBoolean(), Wait, "the stream to be live");
        // Figures once a second: what the browser sends (outbound-rtp) and the server's view (viewers, delay).
        await Expect(page.Locator("#studio-bitrate-sent")).ToContainTextAsync("bit/s", new() { Timeout = 10_000 });
        await Expect(page.Locator("#studio-video-sent")).ToContainTextAsync("fps", new() { Timeout = 10_000 });
        await Expect(page.Locator("#studio-viewers")).ToHaveTextAsync("0", new() { Timeout = 10_000 });
        await Expect(page.Locator("#studio-delay")).ToContainTextAsync("ms", new() { Timeout = 10_000 });

        await page.FillAsync("#studio-title", "Fixing bikes, live");
        await page.ClickAsync("#studio-title-save");
        await Expect(page.Locator("#studio-title-status")).ToHaveTextAsync("Title saved.");
        Assert.Equal("Fixing bikes, live", (await StudioAccounts.StreamAsync(_node, "caster")).GetProperty("title").GetString());

        problems.AssertNone();

        // A title the server refuses is explained next to the field (400).
        await page.FillAsync("#studio-title", "bad\u0007title");
        await page.ClickAsync("#studio-title-save");
        await Expect(page.Locator("#studio-title-status")).Not.ToHaveTextAsync("Title saved.");
        Assert.Equal("Fixing bikes, live", (await StudioAccounts.StreamAsync(_node, "caster")).GetProperty("title").GetString());

        // A lower resolution while live: the captured picture changes in the same session (no new offer), and the
        // encoder sends at most that (it may scale further down on a busy CPU).
        Assert.Equal(1, await SessionCountAsync());
        Assert.Equal(1280, await page.EvalOnSelectorAsync<int>("#studio-preview", "v => v.videoWidth"));
        await page.SelectOptionAsync("#studio-resolution", "360p");
        await page.WaitForFunctionAsync("() => document.querySelector('#studio-preview').videoWidth === 640", null, new() { Timeout = 10_000 });
        await Eventually.Until(() => page.InnerTextAsync("#studio-video-sent"), SentAtMost640Wide, Wait, "at most 640 pixels wide sent");
        Assert.Equal("Live", await page.InnerTextAsync("#studio-state"));
        Assert.Equal(1, await SessionCountAsync());

        // The screen instead of the camera, while live: another track on the same sender.
        var cameraTrack = await page.EvalOnSelectorAsync<string>("#studio-preview", "v => v.srcObject.getVideoTracks()[0].id");
        await page.SelectOptionAsync("#studio-source", "screen");
        await Expect(page.Locator("#studio-message")).ToHaveTextAsync("Sending your screen.", new() { Timeout = 10_000 });
        Assert.NotEqual(cameraTrack, await page.EvalOnSelectorAsync<string>("#studio-preview", "v => v.srcObject.getVideoTracks()[0].id"));
        await Expect(page.Locator("#studio-camera")).ToBeDisabledAsync();
        await page.SelectOptionAsync("#studio-source", "camera");
        await Expect(page.Locator("#studio-message")).ToHaveTextAsync("Sending your camera.", new() { Timeout = 10_000 });
        Assert.Equal("Live", await page.InnerTextAsync("#studio-state"));
        Assert.Equal(1, await SessionCountAsync());

        await page.ClickAsync("#end-stream");
        await Expect(page.Locator("#studio-state")).ToHaveTextAsync("Offline", new() { Timeout = 10_000 });
        await Eventually.Until(() => StudioAccounts.StreamAsync(_node, "caster"), s => !s.GetProperty("live").GetBoolean(), Wait, "the stream to end");
        await Expect(page.Locator("#go-live")).ToBeEnabledAsync(new() { Timeout = 10_000 });
        problems.AssertNone();

        // Live again, then the tab closes: the page asks first (beforeunload), and once it is gone its keepalive
        // DELETE ends the stream at once, long before the server's 30 s consent timeout would.
        await page.ClickAsync("#go-live");
        await Expect(page.Locator("#studio-state")).ToHaveTextAsync("Live", new() { Timeout = 15_000 });
        await Eventually.Until(() => StudioAccounts.StreamAsync(_node, "caster"), s => s.GetProperty("live").GetBoolean(), Wait, "the stream to be live again");
        var asked = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            asked.Add(dialog.Type);
            await dialog.AcceptAsync();
        };
        await page.CloseAsync(new() { RunBeforeUnload = true });
        await Eventually.True(() => page.IsClosed, Wait, "the page to close");
        Assert.Equal(["beforeunload"], asked);
        await Eventually.Until(() => StudioAccounts.StreamAsync(_node, "caster"), s => !s.GetProperty("live").GetBoolean(), TimeSpan.FromSeconds(5), "the closed page's stream to end");

        static bool SentAtMost640Wide(string sent) => int.TryParse(sent.Split('×')[0], out var width) && width <= 640;

        // The WHIP sessions the studio opened: one POST, however much changed while live.
        async Task<int> SessionCountAsync() => await page.EvaluateAsync<int>(
            "() => performance.getEntriesByType('resource').filter(e => e.name.endsWith('/whip/caster') && e.initiatorType === 'fetch').length");
    }

    [SkippableFact]
    public async Task Showing_a_new_stream_key_asks_first_retires_the_old_key_and_shows_one_that_publishes()
    {
        browser.SkipIfUnavailable();
        var admin = await _node.CreateAdminAsync("admin");
        await _node.RegisterAsync("obsuser", admin, "viewer", "streamer");
        var oldKey = await StudioAccounts.RotateStreamKeyAsync(_node, await _node.LoginAsync("obsuser"));
        await using var context = await browser.NewContextAsync(_node.BaseAddress);
        var page = await context.NewPageAsync();
        var problems = await PageProblems.WatchAsync(page);
        await page.GotoAsync("/");
        await StudioAccounts.SignInAsync(page, "obsuser");
        await page.GotoAsync("/studio");
        await Expect(page.Locator("#stream-key-info")).ToContainTextAsync("just now");
        await Expect(page.Locator("#stream-key")).ToBeHiddenAsync();

        // Cancelled: nothing changes.
        var dialogs = new List<string>();
        var accept = false;
        page.Dialog += async (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            await (accept ? dialog.AcceptAsync() : dialog.DismissAsync());
        };
        await page.ClickAsync("#stream-key-show");
        await Eventually.True(() => dialogs.Count == 1, Wait, "the confirmation");
        Assert.Contains("stops working", dialogs[0], StringComparison.Ordinal);
        await Expect(page.Locator("#stream-key")).ToBeHiddenAsync();
        Assert.Equal(HttpStatusCode.Created, await PublishAsync(oldKey, end: true));

        accept = true;
        await page.ClickAsync("#stream-key-show");
        await Expect(page.Locator("#stream-key")).ToBeVisibleAsync();
        var key = await page.InputValueAsync("#stream-key");
        Assert.StartsWith("sk_", key, StringComparison.Ordinal);
        Assert.NotEqual(oldKey, key);

        Assert.Equal(HttpStatusCode.Unauthorized, await PublishAsync(oldKey, end: false));
        Assert.Equal(HttpStatusCode.Created, await PublishAsync(key, end: true));

        // While OBS is live on the channel the studio says so and does not offer to go live (that would be a 409).
        var obsSession = await PublishSessionAsync(key);
        await Expect(page.Locator("#studio-elsewhere")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Expect(page.Locator("#studio-state")).ToHaveTextAsync("Live");
        await Expect(page.Locator("#go-live")).ToBeDisabledAsync();
        await EndAsync(obsSession, key);
        await Expect(page.Locator("#studio-elsewhere")).ToBeHiddenAsync(new() { Timeout = 10_000 });
        await Expect(page.Locator("#studio-state")).ToHaveTextAsync("Offline");
        await Expect(page.Locator("#go-live")).ToBeEnabledAsync();

        // The failures of going live, in the words the studio shows (the module's own function, in the page).
        var words = await page.EvaluateAsync<string[]>("""
            async () => {
              const base = document.querySelector('script[type="module"]').src;
              const { goLiveErrorText } = await import(new URL('../studio/studio.js', base));
              const { SignallingError } = await import(new URL('../webrtc/signalling.js', base));
              return [401, 403, 409, 503].map(status => goLiveErrorText(new SignallingError(status, 'problem detail', status === 503 ? 5 : null)));
            }
            """);
        Assert.Contains("Sign in again", words[0], StringComparison.Ordinal);
        Assert.Contains("streamer role", words[1], StringComparison.Ordinal);
        Assert.Contains("already live", words[2], StringComparison.Ordinal);
        Assert.Contains("Try again in 5 s", words[3], StringComparison.Ordinal);

        // Copy: without clipboard access the key is selected for Ctrl+C and the page says so; with it, it is copied.
        await page.ClickAsync("#stream-key-copy");
        await Expect(page.Locator("#stream-key-status")).ToContainTextAsync("press Ctrl+C");
        Assert.Equal(key, await page.EvaluateAsync<string>("() => { const input = document.querySelector('#stream-key'); return input.value.substring(input.selectionStart, input.selectionEnd); }"));
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await page.ClickAsync("#stream-key-copy");
        await Expect(page.Locator("#stream-key-status")).ToHaveTextAsync("Stream key copied.");
        Assert.Equal(key, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        problems.AssertNone();
    }

    [SkippableFact]
    public async Task A_live_studio_publishes_again_by_itself_after_the_server_restarts()
    {
        browser.SkipIfUnavailable();
        using var data = new TempDirectory();
        string[] settings = ["--Http:Url", $"http://127.0.0.1:{FreePort.Next()}"];
        var node = await InProcessNode.StartOnAsync(data, settings);
        try
        {
            var admin = await node.CreateAdminAsync("admin");
            await node.RegisterAsync("steady", admin, "viewer", "streamer");
            await using var context = await browser.NewContextAsync(node.BaseAddress);
            var page = await context.NewPageAsync();
            var problems = await PageProblems.WatchAsync(page);
            await page.GotoAsync("/");
            await StudioAccounts.SignInAsync(page, "steady");
            await page.GotoAsync("/studio");
            await page.ClickAsync("#go-live");
            await Expect(page.Locator("#studio-state")).ToHaveTextAsync("Live", new() { Timeout = 15_000 });

            // The node goes away with the session: ICE stops answering, the studio says so and tries again (with
            // growing pauses) until the restarted node on the same address takes a new WHIP session.
            await node.DisposeAsync();
            await Expect(page.Locator("#studio-state")).ToHaveTextAsync("Reconnecting…", new() { Timeout = 20_000 });
            node = await InProcessNode.StartOnAsync(data, settings);
            await Expect(page.Locator("#studio-state")).ToHaveTextAsync("Live", new() { Timeout = 30_000 });
            await Eventually.Until(() => StudioAccounts.StreamAsync(node, "steady"), s => s.GetProperty("live").GetBoolean(), Wait, "the stream to be live on the restarted node");
            await page.ClickAsync("#end-stream");
            await Eventually.Until(() => StudioAccounts.StreamAsync(node, "steady"), s => !s.GetProperty("live").GetBoolean(), Wait, "the stream to end");
            // While the node was down the browser logged the refused requests (figures, offers); nothing else.
            Assert.All(problems.All, p => Assert.Contains("ERR_CONNECTION_REFUSED", p, StringComparison.Ordinal));
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>An OBS-like WHIP publish with <paramref name="key"/>; ends the session again when it was created.</summary>
    private async Task<HttpStatusCode> PublishAsync(string key, bool end)
    {
        using var response = await PostOfferAsync(key);
        if (response.StatusCode == HttpStatusCode.Created && end)
        {
            await EndAsync(response.Headers.Location!, key);
        }
        return response.StatusCode;
    }

    /// <summary>Publishes with <paramref name="key"/> and returns the WHIP session's URL.</summary>
    private async Task<Uri> PublishSessionAsync(string key)
    {
        using var response = await PostOfferAsync(key);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!;
    }

    private async Task<HttpResponseMessage> PostOfferAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/whip/obsuser") { Content = new StringContent(ChromeOffers.Publish, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await _node.Http.SendAsync(request);
    }

    private async Task EndAsync(Uri session, string key)
    {
        using var delete = new HttpRequestMessage(HttpMethod.Delete, session);
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var ended = await _node.Http.SendAsync(delete);
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
    }
}

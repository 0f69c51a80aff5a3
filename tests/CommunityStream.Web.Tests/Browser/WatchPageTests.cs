using System.Net.Http.Json;
using System.Text.Json;
using CommunityStream.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommunityStream.Web.Tests.Browser;

/// <summary>
/// The watch page <c>/c/{channel}</c> in Chromium against a real node: the offline card with the channel's last
/// title, chat between contexts (history on open, live messages), read-only anonymous viewers, protocol errors in
/// words, moderation seen by other viewers, a stream that starts and ends while a viewer is on the page (and a private
/// one, watched with the viewer's access token), and chat and video recovering across a node restart.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class WatchPageTests(BrowserFixture browser)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 15_000 };

    [SkippableFact]
    public async Task Viewers_chat_see_history_errors_in_words_and_moderation_while_the_channel_is_offline()
    {
        browser.SkipIfUnavailable();
        await using var node = await InProcessNode.StartAsync();
        var admin = await node.CreateAdminAsync("admin");
        await WatchAccounts.CreateStreamerAsync(node, admin, "alice", "Speedrun night");
        await node.RegisterAsync("bob", admin, "viewer");

        await using var anonContext = await browser.NewContextAsync(node.BaseAddress, width: 360, height: 740);
        await using var bobContext = await browser.NewContextAsync(node.BaseAddress);
        await using var aliceContext = await browser.NewContextAsync(node.BaseAddress);
        var anon = await anonContext.NewPageAsync();
        var bob = await bobContext.NewPageAsync();
        var alice = await aliceContext.NewPageAsync();
        var problems = new[] { await PageProblems.WatchAsync(anon), await PageProblems.WatchAsync(bob), await PageProblems.WatchAsync(alice) };

        // An anonymous viewer on a narrow screen: offline card with the last title, read-only chat.
        await anon.GotoAsync("/c/alice");
        await Expect(anon.Locator("#player")).ToHaveAttributeAsync("data-state", "offline", Slow);
        await Expect(anon.Locator("#player-offline")).ToBeVisibleAsync();
        await Expect(anon.Locator("#player-offline")).ToContainTextAsync("Offline");
        await Expect(anon.Locator("#player-offline")).ToContainTextAsync("Speedrun night");
        await Expect(anon.Locator("#stream-title")).ToHaveTextAsync("Speedrun night");
        await Expect(anon.Locator("#chat-status")).ToContainTextAsync("Sign in to chat");
        await Expect(anon.Locator("#chat-input")).ToBeDisabledAsync();
        // At 360 px the chat sits below the video.
        var video = await anon.Locator("#player").BoundingBoxAsync();
        var chat = await anon.Locator("#chat-log").BoundingBoxAsync();
        Assert.True(chat!.Y >= video!.Y + video.Height, $"chat at {chat.Y}, video ends at {video.Y + video.Height}");
        Assert.True(video.Width <= 360, $"video {video.Width} px wide");

        // Bob signs in and chats; the anonymous viewer sees it live.
        await WatchAccounts.SignInAsync(bob, "bob");
        await bob.GotoAsync("/c/alice");
        await Expect(bob.Locator("#chat-input")).ToBeEnabledAsync(new() { Timeout = 15_000 });
        await bob.Locator("#chat-input").FillAsync("first message from bob :gg:");
        await bob.Locator("#chat-input").PressAsync("Enter");
        var first = anon.Locator("#chat-log li.chat-message", new() { HasText = "first message from bob" });
        await Expect(first).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await Expect(first.Locator(".author")).ToHaveTextAsync("bob");
        await Expect(bob.Locator("#chat-log li.chat-message", new() { HasText = "first message from bob" })).ToHaveCountAsync(1);
        var firstOffset = await first.GetAttributeAsync("data-offset");

        // The owner opens the page later: the message is in the history, and the moderation tools are there.
        await WatchAccounts.SignInAsync(alice, "alice");
        await alice.GotoAsync("/c/alice");
        var seenByAlice = alice.Locator($"#chat-log li.chat-message[data-offset=\"{firstOffset}\"]");
        await Expect(seenByAlice).ToContainTextAsync("first message from bob", new() { Timeout = 10_000 });
        await Expect(alice.Locator("#mod-tools")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Expect(bob.Locator("#mod-tools")).ToHaveCountAsync(0);
        await Expect(anon.Locator("button[data-action=\"delete\"]")).ToHaveCountAsync(0);
        await Expect(anon.Locator("#viewer-count")).ToContainTextAsync("in chat");

        // Slow mode set by the owner (5 min: bob's first message was less than that ago): bob's next message is refused
        // and the reason is in words; with slow mode off again it goes.
        await alice.Locator("#slow-seconds").SelectOptionAsync("300");
        await Expect(bob.Locator("#chat-status")).ToContainTextAsync("Slow mode", new() { Timeout = 10_000 });
        await bob.Locator("#chat-input").FillAsync("refused in slow mode");
        await bob.Locator("#chat-input").PressAsync("Enter");
        await Expect(bob.Locator("#chat-status")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("Slow mode: you can send again in \\d+ s"), new() { Timeout = 10_000 });
        await alice.Locator("#slow-seconds").SelectOptionAsync("0");
        await Expect(bob.Locator("#chat-status")).Not.ToContainTextAsync("Slow mode", new() { Timeout = 10_000 });
        await bob.Locator("#chat-input").FillAsync("second from bob");
        await bob.Locator("#chat-input").PressAsync("Enter");
        var second = anon.Locator("#chat-log li.chat-message", new() { HasText = "second from bob" });
        await Expect(second).ToHaveCountAsync(1, new() { Timeout = 10_000 });

        // A message over the limit is explained before it is sent, with the counter.
        await bob.Locator("#chat-input").FillAsync(new string('x', 501));
        await Expect(bob.Locator("#chat-counter")).ToHaveTextAsync("501/500");
        await bob.Locator("#chat-input").PressAsync("Enter");
        await Expect(bob.Locator("#chat-status")).ToContainTextAsync("too long");
        await bob.Locator("#chat-input").FillAsync("");

        // The owner deletes bob's first message: every viewer sees it replaced, the text gone from the DOM.
        await seenByAlice.HoverAsync();
        await seenByAlice.Locator("button[data-action=\"delete\"]").ClickAsync();
        foreach (var page in new[] { anon, bob, alice })
        {
            var li = page.Locator($"#chat-log li.chat-message[data-offset=\"{firstOffset}\"]");
            await Expect(li).ToHaveAttributeAsync("data-deleted", "true", Slow);
            await Expect(li.Locator(".text")).ToHaveTextAsync("message deleted");
            await Expect(page.Locator("#chat-log")).Not.ToContainTextAsync("first message from bob");
        }

        // Emote-only, switched on by the owner: bob's plain words are refused, and told why.
        await alice.Locator("#emote-only").CheckAsync();
        await Expect(bob.Locator("#chat-status")).ToContainTextAsync("Emote-only mode", new() { Timeout = 10_000 });
        await bob.Locator("#chat-input").FillAsync("just plain words");
        await bob.Locator("#chat-input").PressAsync("Enter");
        await Expect(bob.Locator("#chat-status")).ToContainTextAsync("messages may contain emotes only", new() { Timeout = 10_000 });
        await alice.Locator("#emote-only").UncheckAsync();
        await Expect(bob.Locator("#chat-status")).Not.ToContainTextAsync("Emote-only", new() { Timeout = 10_000 });

        // ... and times bob out: bob is told until when, and cannot type.
        var secondForAlice = alice.Locator("#chat-log li.chat-message", new() { HasText = "second from bob" });
        await secondForAlice.HoverAsync();
        await secondForAlice.Locator("button[data-action=\"timeout\"]").ClickAsync();
        await Expect(bob.Locator("#chat-status")).ToContainTextAsync("You are timed out until", new() { Timeout = 10_000 });
        await Expect(bob.Locator("#chat-input")).ToBeDisabledAsync();

        // Members-only, from the owner's tools: the anonymous viewer is told why signing in matters; off again, the
        // plain prompt is back.
        await alice.Locator("#members-only").CheckAsync();
        await Expect(anon.Locator("#chat-status")).ToContainTextAsync("Members-only mode: Sign in to chat", new() { Timeout = 10_000 });
        await alice.Locator("#members-only").UncheckAsync();
        await Expect(anon.Locator("#chat-status")).ToHaveTextAsync("Sign in to chat", new() { Timeout = 10_000 });

        // ... and bans bob from his message's Ban button: bob reads that he is banned.
        await secondForAlice.HoverAsync();
        await secondForAlice.Locator("button[data-action=\"ban\"]").ClickAsync();
        await Expect(bob.Locator("#chat-status")).ToContainTextAsync("You are banned from this chat", new() { Timeout = 10_000 });
        await Expect(bob.Locator("#chat-input")).ToBeDisabledAsync();

        // The messages refused in slow and emote-only mode were never posted.
        var history = await node.Http.GetFromJsonAsync<JsonElement>("/api/rooms/alice/messages?limit=100");
        var texts = history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()).ToList();
        Assert.Contains("second from bob", texts);
        Assert.DoesNotContain("refused in slow mode", texts);
        Assert.DoesNotContain("just plain words", texts);

        // The owner clears the chat: it empties for everyone.
        await alice.Locator("#chat-clear").ClickAsync();
        await Expect(anon.Locator("#chat-log li.chat-message")).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await Expect(bob.Locator("#chat-log li.chat-message")).ToHaveCountAsync(0, new() { Timeout = 10_000 });

        // The owner's moderation tools (opened) and the studio fit a 360 px screen.
        await alice.SetViewportSizeAsync(360, 740);
        await alice.Locator("#mod-tools").EvaluateAsync("details => { details.open = true; }");
        await Expect(alice.Locator("#chat-clear")).ToBeVisibleAsync();
        await AssertFits360Async(alice, "the watch page with the moderation tools");
        await alice.GotoAsync("/studio");
        await Expect(alice.Locator("#go-live")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await AssertFits360Async(alice, "/studio");

        foreach (var p in problems)
        {
            p.AssertNone();
        }
    }

    private static async Task AssertFits360Async(IPage page, string what)
    {
        var width = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth");
        Assert.True(width <= 360, $"{what} is {width} px wide at 360 px");
    }

    [SkippableFact]
    public async Task A_viewer_on_the_page_sees_the_stream_start_and_end_without_reloading()
    {
        browser.SkipIfUnavailable();
        await using var node = await InProcessNode.StartAsync();
        var admin = await node.CreateAdminAsync("admin");
        var (carolToken, key) = await WatchAccounts.CreateStreamerAsync(node, admin, "carol", "Late show");
        await node.RegisterAsync("bob", admin, "viewer");

        await using var viewerContext = await browser.NewContextAsync(node.BaseAddress);
        await using var publisherContext = await browser.NewContextAsync(node.BaseAddress);
        var viewer = await viewerContext.NewPageAsync();
        var problems = await PageProblems.WatchAsync(viewer);
        await viewer.GotoAsync("/c/carol");
        await Expect(viewer.Locator("#player")).ToHaveAttributeAsync("data-state", "offline", Slow);
        await Expect(viewer.Locator("#player-offline")).ToContainTextAsync("Late show");
        // The chat is joined, so the room's `stream` event will reach the page.
        await Expect(viewer.Locator("#chat-status")).ToContainTextAsync("Sign in to chat", new() { Timeout = 10_000 });

        var publisher = await publisherContext.NewPageAsync();
        await publisher.GotoAsync("/login");
        var published = await publisher.EvaluateAsync<string[]>(Publish, new { url = new Uri(node.BaseAddress, "/whip/carol").ToString(), key });
        Assert.True(published[0] == "201", string.Join(" ", published));

        // No reload: the page hears the chat's stream event and plays, muted, with frames decoding.
        await Expect(viewer.Locator("#player")).ToHaveAttributeAsync("data-state", "live", Slow);
        await Expect(viewer.Locator("#player-offline")).ToBeHiddenAsync();
        const string Frames = "() => document.querySelector('#player-video').getVideoPlaybackQuality().totalVideoFrames";
        var frames = await Eventually.Until(() => viewer.EvaluateAsync<int>(Frames), n => n > 0, TimeSpan.FromSeconds(15), "a first decoded frame");
        await Eventually.Until(() => viewer.EvaluateAsync<int>(Frames), n => n >= frames + 30, TimeSpan.FromSeconds(15), "frames to keep decoding");
        Assert.True(await viewer.EvaluateAsync<bool>("() => document.querySelector('#player-video').muted"));

        // Unmute and the stats overlay.
        await viewer.Locator("#player-unmute").ClickAsync();
        await Expect(viewer.Locator("#player-unmute")).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.False(await viewer.EvaluateAsync<bool>("() => document.querySelector('#player-video').muted"));
        await viewer.Locator("#player-stats-toggle").ClickAsync();
        await Expect(viewer.Locator("#player-stats")).ToContainTextAsync("640×480", new() { Timeout = 10_000 });
        await Expect(viewer.Locator("#player-stats")).ToContainTextAsync("kbit/s");

        // The volume slider sets the video's volume.
        await viewer.Locator("#player-volume").FillAsync("0.4");
        Assert.Equal(0.4, await viewer.EvaluateAsync<double>("() => document.querySelector('#player-video').volume"), 3);
        Assert.False(await viewer.EvaluateAsync<bool>("() => document.querySelector('#player-video').muted"));

        // Fullscreen and picture-in-picture: the buttons are there and usable where the browser offers the feature
        // (the PiP button is hidden where it does not). Whether headless Chromium grants the request is its business.
        await Expect(viewer.Locator("#player-fullscreen")).ToBeEnabledAsync();
        Assert.True(await viewer.EvaluateAsync<bool>("() => document.fullscreenEnabled"), "fullscreen is not enabled for the page");
        var pipAvailable = await viewer.EvaluateAsync<bool>("() => document.pictureInPictureEnabled === true");
        if (pipAvailable)
        {
            await Expect(viewer.Locator("#player-pip")).ToBeVisibleAsync();
            await Expect(viewer.Locator("#player-pip")).ToBeEnabledAsync();
        }
        else
        {
            await Expect(viewer.Locator("#player-pip")).ToBeHiddenAsync();
        }

        // A network change: the viewer's browser goes offline while messages are posted, then comes back. The chat
        // reconnects and recovers what it missed (in order, once each) and the player is live again, with no reload.
        await ChatPoster.PostAsync(node, "bob", "carol", "before the outage");
        var chatLog = viewer.Locator("#chat-log li.chat-message");
        await Expect(chatLog).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await viewer.EvaluateAsync("() => { window.__sameDocument = true; }");
        await viewerContext.SetOfflineAsync(true);
        Assert.False(await viewer.EvaluateAsync<bool>("() => navigator.onLine"));
        await ChatPoster.PostAsync(node, "bob", "carol", "during the outage 1", "during the outage 2");
        await viewerContext.SetOfflineAsync(false);
        await Expect(chatLog).ToHaveCountAsync(3, new() { Timeout = 30_000 });
        Assert.Equal(["before the outage", "during the outage 1", "during the outage 2"], await chatLog.Locator(".text").AllTextContentsAsync());
        await Expect(viewer.Locator("#player")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
        var framesBack = await viewer.EvaluateAsync<int>(Frames);
        await Eventually.Until(() => viewer.EvaluateAsync<int>(Frames), n => n >= framesBack + 30, TimeSpan.FromSeconds(15), "frames to keep decoding after the network change");
        Assert.True(await viewer.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page reloaded");
        await Expect(viewer.Locator("#chat-status")).ToHaveTextAsync("Sign in to chat", new() { Timeout = 15_000 });

        // The channel turns private: a new anonymous viewer is told so in words; a signed-in viewer's page retries the
        // refused WHEP request with its access token and plays.
        using (var makePrivate = new HttpRequestMessage(HttpMethod.Patch, "/api/streams/carol") { Content = JsonContent.Create(new { @private = true }) })
        {
            makePrivate.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", carolToken);
            using var made = await node.Http.SendAsync(makePrivate);
            made.EnsureSuccessStatusCode();
        }
        await using var anonymousContext = await browser.NewContextAsync(node.BaseAddress);
        var anonymous = await anonymousContext.NewPageAsync();
        await anonymous.GotoAsync("/c/carol");
        await Expect(anonymous.Locator("#player")).ToHaveAttributeAsync("data-state", "error", Slow);
        await Expect(anonymous.Locator("#player")).ToContainTextAsync("private");
        await anonymous.CloseAsync();
        await using var bobContext = await browser.NewContextAsync(node.BaseAddress);
        var bob = await bobContext.NewPageAsync();
        await WatchAccounts.SignInAsync(bob, "bob");
        await bob.GotoAsync("/c/carol");
        await Expect(bob.Locator("#player")).ToHaveAttributeAsync("data-state", "live", Slow);
        await Eventually.Until(() => bob.EvaluateAsync<int>(Frames), n => n > 0, TimeSpan.FromSeconds(15), "bob's first decoded frame");
        // Both players count as the stream's viewers (WHEP sessions on every node), refreshed while live.
        await Expect(bob.Locator("#stream-viewers")).ToHaveTextAsync("2 watching", new() { Timeout = 30_000 });

        // The streamer ends the stream: the pages show offline again.
        Assert.Equal(200, await publisher.EvaluateAsync<int>("async (key) => (await fetch(whipSession, { method: 'DELETE', headers: { Authorization: 'Bearer ' + key } })).status", key));
        await Expect(viewer.Locator("#player")).ToHaveAttributeAsync("data-state", "offline", Slow);
        await Expect(viewer.Locator("#player-offline")).ToBeVisibleAsync();
        await Expect(bob.Locator("#player")).ToHaveAttributeAsync("data-state", "offline", Slow);
        await Expect(bob.Locator("#stream-viewers")).ToBeHiddenAsync();
        // While offline the browser logged its failed connection attempts; anything else is a problem.
        var unexpected = problems.All.Where(p => !p.Contains("ERR_INTERNET_DISCONNECTED", StringComparison.Ordinal)).ToList();
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
    }

    [SkippableFact]
    public async Task The_page_recovers_chat_and_video_after_a_server_restart_without_a_reload()
    {
        browser.SkipIfUnavailable();
        using var data = new TempDirectory();
        string[] settings = ["--Http:Url", $"http://127.0.0.1:{FreePort.Next()}"];
        var node = await InProcessNode.StartOnAsync(data, settings);
        try
        {
            var admin = await node.CreateAdminAsync("admin");
            var (_, key) = await WatchAccounts.CreateStreamerAsync(node, admin, "dana", "Quiet hour");
            await node.RegisterAsync("erin", admin, "viewer");
            await ChatPoster.PostAsync(node, "erin", "dana", "before the restart 1", "before the restart 2");
            var whip = new { url = new Uri(node.BaseAddress, "/whip/dana").ToString(), key };

            await using var publisherContext = await browser.NewContextAsync(node.BaseAddress);
            var publisher = await publisherContext.NewPageAsync();
            await publisher.GotoAsync("/login");
            var published = await publisher.EvaluateAsync<string[]>(Publish, whip);
            Assert.True(published[0] == "201", string.Join(" ", published));

            await using var context = await browser.NewContextAsync(node.BaseAddress);
            var page = await context.NewPageAsync();
            var problems = await PageProblems.WatchAsync(page);
            await page.GotoAsync("/c/dana");
            var log = page.Locator("#chat-log li.chat-message");
            await Expect(log).ToHaveCountAsync(2, new() { Timeout = 10_000 });
            await Expect(page.Locator("#player")).ToHaveAttributeAsync("data-state", "live", Slow);

            // The node stops and starts again on the same address and data. The page notices on both paths, and
            // without a reload: the chat reconnects and recovers from its offset (nothing repeated, nothing missed),
            // and the player plays the stream again once the streamer is back.
            await node.DisposeAsync();
            await Expect(page.Locator("#chat-status")).ToContainTextAsync("Reconnect", new() { Timeout = 10_000 });
            await Expect(page.Locator("#player")).Not.ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
            node = await InProcessNode.StartOnAsync(data, settings);
            await ChatPoster.PostAsync(node, "erin", "dana", "after the restart 1", "after the restart 2");
            await Expect(log).ToHaveCountAsync(4, new() { Timeout = 30_000 });
            Assert.Equal(["before the restart 1", "before the restart 2", "after the restart 1", "after the restart 2"], await log.Locator(".text").AllTextContentsAsync());
            var offsets = (await log.EvaluateAllAsync<int[]>("items => items.map(li => Number(li.dataset.offset))")).ToList();
            Assert.Equal(offsets.Order().Distinct(), offsets);

            published = await publisher.EvaluateAsync<string[]>(Publish, whip);
            Assert.True(published[0] == "201", string.Join(" ", published));
            await Expect(page.Locator("#player")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
            const string Frames = "() => document.querySelector('#player-video').getVideoPlaybackQuality().totalVideoFrames";
            var frames = await Eventually.Until(() => page.EvaluateAsync<int>(Frames), n => n > 0, TimeSpan.FromSeconds(15), "a decoded frame after the restart");
            await Eventually.Until(() => page.EvaluateAsync<int>(Frames), n => n >= frames + 30, TimeSpan.FromSeconds(15), "frames to keep decoding after the restart");

            // While the node was down the browser logged its failed connection attempts (refused, or 503 while
            // stopping); anything else is a problem.
            var unexpected = problems.All.Where(p => !p.Contains("WebSocket connection to", StringComparison.Ordinal)
                && !p.Contains("ERR_CONNECTION_REFUSED", StringComparison.Ordinal) && !p.Contains("status of 503", StringComparison.Ordinal)).ToList();
            Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>Goes live over WHIP with the fake camera and microphone (VP8); returns [status, session URL or problem].</summary>
    private const string Publish = """
        async ({ url, key }) => {
          const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
          window.pc = new RTCPeerConnection();
          pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly' });
          const video = pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly' });
          const codecs = RTCRtpSender.getCapabilities('video').codecs;
          const vp8 = codecs.filter(c => c.mimeType.toLowerCase() === 'video/vp8');
          video.setCodecPreferences([...vp8, ...codecs.filter(c => !vp8.includes(c))]);
          await pc.setLocalDescription(await pc.createOffer());
          await new Promise(resolve => {
            if (pc.iceGatheringState === 'complete') return resolve();
            pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
            setTimeout(resolve, 2000);
          });
          const response = await fetch(url, { method: 'POST', body: pc.localDescription.sdp,
            headers: { 'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + key } });
          const body = await response.text();
          if (response.status !== 201) return [String(response.status), body];
          window.whipSession = new URL(response.headers.get('Location'), url).toString();
          await pc.setRemoteDescription({ type: 'answer', sdp: body });
          return ['201', whipSession];
        }
        """;
}

using CommunityStream.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommunityStream.Web.Tests.Browser;

/// <summary>
/// <c>/</c> in real Chromium: the empty state, then a channel that goes live (a second page publishes over WHIP with
/// the fake camera) appears without a reload, keeps the focused link focused across refreshes, and leaves when the
/// stream ends.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class HomePageTests(BrowserFixture browser)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Poll = new() { Timeout = 20_000 };

    [SkippableFact]
    public async Task Live_channel_appears_and_leaves_without_a_reload()
    {
        browser.SkipIfUnavailable();
        await using var node = await InProcessNode.StartAsync();
        var admin = await node.CreateAdminAsync("admin");
        await node.RegisterAsync("speedrunner", admin, "viewer", "streamer");
        var token = await node.LoginAsync("speedrunner");
        var key = await WebUsers.StreamKeyAsync(node, token);
        await WebUsers.SetTitleAsync(node, token, "speedrunner", "Any% practice <b>not bold</b>");

        await using var viewerContext = await browser.NewContextAsync(node.BaseAddress);
        var home = await viewerContext.NewPageAsync();
        var problems = await PageProblems.WatchAsync(home);
        await home.GotoAsync("/");
        await Expect(home.Locator("#no-live")).ToBeVisibleAsync();
        await Expect(home.Locator("#no-live")).ToContainTextAsync("Nobody is live");
        await Expect(home.Locator("#live-channels li")).ToHaveCountAsync(0);
        await home.EvaluateAsync("() => { window.loadedOnce = true; }");

        await using var publisherContext = await browser.NewContextAsync(node.BaseAddress);
        var publisher = await publisherContext.NewPageAsync();
        await publisher.GotoAsync("/login");
        await WhipPublisher.StartAsync(publisher, "speedrunner", key);

        var card = home.Locator("#live-channels li[data-channel=\"speedrunner\"]");
        await Expect(card).ToBeVisibleAsync(Poll);
        await Expect(home.Locator("#no-live")).ToBeHiddenAsync();
        await Expect(card.Locator("a[href=\"/c/speedrunner\"]")).ToBeVisibleAsync();
        // The title is text, never markup.
        await Expect(card.Locator(".channel-title")).ToHaveTextAsync("Any% practice <b>not bold</b>");
        Assert.Equal(0, await card.Locator("b").CountAsync());
        await Expect(card.Locator(".channel-streamer")).ToHaveTextAsync("speedrunner");
        await Expect(card.Locator(".viewers")).ToHaveTextAsync("0");
        await Expect(card.Locator("time.started")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("just now|min ago"));
        Assert.True(await home.EvaluateAsync<bool>("() => window.loadedOnce === true"), "the page was not reloaded");

        // Refreshes leave an unchanged row alone: the same node, still focused.
        var link = card.Locator("a");
        await link.FocusAsync();
        await link.EvaluateAsync("a => { a.dataset.marker = 'same-node'; }");
        await home.WaitForResponseAsync(r => r.Url.EndsWith("/api/streams", StringComparison.Ordinal), new() { Timeout = 15_000 });
        await home.WaitForResponseAsync(r => r.Url.EndsWith("/api/streams", StringComparison.Ordinal), new() { Timeout = 15_000 });
        await Expect(card.Locator("a[data-marker=\"same-node\"]")).ToBeFocusedAsync();

        await WhipPublisher.StopAsync(publisher, key);
        await Expect(home.Locator("#no-live")).ToBeVisibleAsync(Poll);
        await Expect(card).ToHaveCountAsync(0);
        problems.AssertNone();
    }
}

using CommunityStream.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace CommunityStream.Web.Tests.Browser;

/// <summary>
/// Several tabs of one browser share the single-use refresh cookie. Opened together, each restores its session with
/// its own refresh; without serialising them, two refreshes with the same cookie look like a replayed token and
/// the server ends the whole session.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class SessionTabsTests(BrowserFixture browser, NodeFixture fixture) : IClassFixture<NodeFixture>
{
    [SkippableFact]
    public async Task Tabs_opened_at_once_all_stay_signed_in()
    {
        browser.SkipIfUnavailable();
        await fixture.Node.RegisterAsync("tabby");
        await using var context = await browser.NewContextAsync(fixture.Node.BaseAddress);
        var first = await context.NewPageAsync();
        await WebUsers.SignInAsync(first, "tabby", next: "/account");

        var tabs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => context.NewPageAsync()));
        await Task.WhenAll(tabs.Select(tab => tab.GotoAsync("/account")));

        foreach (var tab in tabs)
        {
            await Expect(tab.Locator("#account-username")).ToHaveTextAsync("tabby");
        }

        // Page loads are staggered by milliseconds; a broadcast makes every tab refresh in the same instant.
        var session = $"{fixture.Assets.Prefix}/js/session.js";
        foreach (var tab in tabs)
        {
            await tab.EvaluateAsync(
                "async url => { const session = await import(url); new BroadcastChannel('refresh-now').onmessage = () => session.restore().then(ok => window.__restored = ok); }",
                session);
        }
        await first.EvaluateAsync("() => new BroadcastChannel('refresh-now').postMessage('go')");
        foreach (var tab in tabs)
        {
            await tab.WaitForFunctionAsync("() => window.__restored !== undefined");
            Assert.True(await tab.EvaluateAsync<bool>("() => window.__restored"), "every tab keeps its session");
        }
        // The family is intact: a later load still restores the session from the cookie the last tab left.
        await first.ReloadAsync();
        await Expect(first.Locator("#account-username")).ToHaveTextAsync("tabby");
    }
}

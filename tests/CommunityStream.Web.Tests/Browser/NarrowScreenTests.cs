using CommunityStream.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommunityStream.Web.Tests.Browser;

/// <summary>At 360 px (a small phone) no page of the site scrolls sideways, signed in or not, and nothing breaks its policy.</summary>
[Collection(BrowserTests.Name)]
public sealed class NarrowScreenTests(BrowserFixture browser, NodeFixture fixture) : IClassFixture<NodeFixture>
{
    [SkippableFact]
    public async Task Pages_fit_360_pixels_without_horizontal_scroll()
    {
        browser.SkipIfUnavailable();
        await fixture.Node.RegisterAsync("a_rather_long_username_x");
        await using var context = await browser.NewContextAsync(fixture.Node.BaseAddress, width: 360, height: 740);
        var page = await context.NewPageAsync();
        var problems = await PageProblems.WatchAsync(page);

        foreach (var path in new[] { "/", "/login", "/signup", "/account" })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("#site-header .brand")).ToBeVisibleAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await AssertFitsAsync(page, path);
        }

        // The 404 page in a page of its own: Chromium logs the document's own 404 as a console error.
        var missing = await context.NewPageAsync();
        var missingProblems = await PageProblems.WatchAsync(missing);
        var notFound = await missing.GotoAsync("/no/such/page");
        Assert.Equal(404, notFound!.Status);
        await Expect(missing.Locator("#site-header .brand")).ToBeVisibleAsync();
        await Expect(missing.Locator("h1")).ToHaveTextAsync("Page not found");
        await AssertFitsAsync(missing, "the 404 page");
        Assert.All(missingProblems.All, problem => Assert.Contains("status of 404", problem, StringComparison.Ordinal));
        await missing.CloseAsync();

        await WebUsers.SignInAsync(page, "a_rather_long_username_x", next: "/account");
        await Expect(page.Locator("#delete-form")).ToBeVisibleAsync();
        await AssertFitsAsync(page, "/account (signed in)");
        await page.GotoAsync("/");
        await Expect(page.Locator("#no-live")).ToBeVisibleAsync();
        await AssertFitsAsync(page, "/ (signed in)");
        problems.AssertNone();
    }

    private static async Task AssertFitsAsync(IPage page, string what)
    {
        var width = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth");
        Assert.True(width <= 360, $"{what} is {width} px wide at 360 px");
    }
}

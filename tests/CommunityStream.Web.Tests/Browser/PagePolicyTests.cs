using CommunityStream.Web.Tests.Support;

namespace CommunityStream.Web.Tests.Browser;

/// <summary>
/// Every page loads under its Content-Security-Policy (with Trusted Types enforced) without a console error,
/// an uncaught exception or a policy violation, for an anonymous visitor.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class PagePolicyTests(BrowserFixture browser) : IAsyncLifetime
{
    private InProcessNode _node = null!;

    public async Task InitializeAsync() => _node = await InProcessNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [SkippableTheory]
    [InlineData("/")]
    [InlineData("/c/nobody")]
    [InlineData("/studio")]
    [InlineData("/login")]
    [InlineData("/signup")]
    [InlineData("/account")]
    public async Task Page_loads_without_console_errors_or_policy_violations(string path)
    {
        browser.SkipIfUnavailable();
        await using var context = await browser.NewContextAsync(_node.BaseAddress);
        var page = await context.NewPageAsync();
        var problems = await PageProblems.WatchAsync(page);

        var response = await page.GotoAsync(path);
        await page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.NetworkIdle);

        Assert.Equal(200, response!.Status);
        Assert.Contains("script-src 'self'", await response.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
        // The shared header rendered: the page's module and its imports ran under the policy.
        await Microsoft.Playwright.Assertions.Expect(page.Locator("#site-header .brand")).ToBeVisibleAsync();
        problems.AssertNone();
    }
}

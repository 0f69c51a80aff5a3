using System.Net;
using System.Text.Json;
using CommunityStream.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace CommunityStream.Web.Tests.Browser;

/// <summary><c>/account</c> in real Chromium: the profile, password change, data export download, log out everywhere, deletion.</summary>
[Collection(BrowserTests.Name)]
public sealed class AccountPageTests(BrowserFixture browser, NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private const string NewPassword = "Battery-Staple-77";

    [SkippableFact]
    public async Task Signed_out_visitor_is_asked_to_sign_in_and_comes_back()
    {
        browser.SkipIfUnavailable();
        await fixture.Node.RegisterAsync("visitor");
        await using var context = await browser.NewContextAsync(fixture.Node.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account");

        await Expect(page.Locator("#account-signed-out")).ToContainTextAsync("Sign in to change your password");
        await page.Locator("#account-signed-out a", new() { HasText = "Sign in" }).ClickAsync();
        await page.Locator("#login-name").FillAsync("visitor");
        await page.Locator("#login-password").FillAsync(InProcessNode.Password);
        await page.Locator("#login-submit").ClickAsync();

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account");
        await Expect(page.Locator("#account-username")).ToHaveTextAsync("visitor");
        await Expect(page.Locator("#account-roles")).ToContainTextAsync("viewer");
    }

    [SkippableFact]
    public async Task Password_change_checks_the_current_one_and_takes_effect()
    {
        browser.SkipIfUnavailable();
        await fixture.Node.RegisterAsync("changer");
        await using var context = await browser.NewContextAsync(fixture.Node.BaseAddress);
        var page = await context.NewPageAsync();
        var problems = await PageProblems.WatchAsync(page);
        await WebUsers.SignInAsync(page, "changer", next: "/account");

        await page.Locator("#current-password").FillAsync("Not-My-Password-9");
        await page.Locator("#new-password").FillAsync(NewPassword);
        await page.Locator("#password-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#current-password-error")).ToHaveTextAsync("That is not your current password.");

        await page.Locator("#current-password").FillAsync(InProcessNode.Password);
        await page.Locator("#new-password").FillAsync("changer-password-1");
        await page.Locator("#password-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#new-password-error")).ToHaveTextAsync("Password must not contain the username.");

        var refreshes = 0;
        page.Request += (_, request) => refreshes += request.Url.EndsWith("/api/auth/refresh", StringComparison.Ordinal) ? 1 : 0;
        await page.Locator("#new-password").FillAsync(NewPassword);
        await page.Locator("#password-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#password-result")).ToContainTextAsync("Password changed");
        // The change refuses every earlier access token; the page took the fresh one from the answer, so its next call
        // succeeds without a 401 and a refresh.
        Assert.Equal("changer", await page.EvaluateAsync<string>("""
            async () => {
              // The same module instance the page uses: its versioned URL, from the page's modulepreload list.
              const url = document.querySelector('link[rel=modulepreload][href$="/js/session.js"]').href;
              return (await (await import(url)).api('/api/me')).username;
            }
            """));
        Assert.Equal(0, refreshes);
        Assert.Equal(HttpStatusCode.OK, await WebUsers.LoginStatusAsync(fixture.Node, "changer", NewPassword));
        Assert.Equal(HttpStatusCode.Unauthorized, await WebUsers.LoginStatusAsync(fixture.Node, "changer", InProcessNode.Password));
        // This browser stays signed in (its own login survives the change).
        await page.ReloadAsync();
        await Expect(page.Locator("#account-username")).ToHaveTextAsync("changer");
        problems.AssertNone();
    }

    [SkippableFact]
    public async Task Export_downloads_a_json_file_with_the_account()
    {
        browser.SkipIfUnavailable();
        await fixture.Node.RegisterAsync("exporter");
        await using var context = await browser.NewContextAsync(fixture.Node.BaseAddress);
        var page = await context.NewPageAsync();
        var problems = await PageProblems.WatchAsync(page);
        await WebUsers.SignInAsync(page, "exporter", next: "/account");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-data").ClickAsync());

        Assert.Equal("communitystream-exporter.json", download.SuggestedFilename);
        var path = await download.PathAsync();
        using var export = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var account = export.RootElement.GetProperty("account");
        Assert.Equal("exporter", account.GetProperty("username").GetString());
        Assert.Equal("exporter@example.test", account.GetProperty("email").GetString());
        Assert.Contains("viewer", account.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(JsonValueKind.Array, export.RootElement.GetProperty("chatMessages").ValueKind);
        await Expect(page.Locator("#export-result")).ToHaveTextAsync("Downloaded communitystream-exporter.json.");

        // The export is rate limited; the page says when it can be had again.
        await page.Locator("#export-data").ClickAsync();
        await Expect(page.Locator("#export-result")).ToContainTextAsync("You can download it again in");
        problems.AssertNone();
    }

    [SkippableFact]
    public async Task Log_out_everywhere_signs_this_browser_and_the_others_out()
    {
        browser.SkipIfUnavailable();
        await fixture.Node.RegisterAsync("everywhere");
        await using var laptop = await browser.NewContextAsync(fixture.Node.BaseAddress);
        var page = await laptop.NewPageAsync();
        await WebUsers.SignInAsync(page, "everywhere", next: "/account");
        await using var phone = await browser.NewContextAsync(fixture.Node.BaseAddress);
        var other = await phone.NewPageAsync();
        await WebUsers.SignInAsync(other, "everywhere", next: "/account");

        await page.Locator("#logout-everywhere").ClickAsync();

        await Expect(page.Locator("#account-farewell")).ToHaveTextAsync("You were logged out everywhere.");
        await Expect(page.Locator("#site-header nav")).ToContainTextAsync("Sign in");
        await page.ReloadAsync();
        await Expect(page.Locator("#account-signed-out")).ToBeVisibleAsync();
        await other.ReloadAsync();
        await Expect(other.Locator("#account-signed-out")).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task Deleting_the_account_needs_the_password_and_signs_out()
    {
        browser.SkipIfUnavailable();
        await fixture.Node.RegisterAsync("leaver");
        await using var context = await browser.NewContextAsync(fixture.Node.BaseAddress);
        var page = await context.NewPageAsync();
        var problems = await PageProblems.WatchAsync(page);
        await WebUsers.SignInAsync(page, "leaver", next: "/account");

        await page.Locator("#delete-password").FillAsync(InProcessNode.Password);
        await page.Locator("#delete-submit").ClickAsync();
        await Expect(page.Locator("#delete-confirm-error")).ToHaveTextAsync("Tick the box to confirm.");

        await page.Locator("#delete-password").FillAsync("Wrong-Password-1");
        await page.Locator("#delete-confirm").CheckAsync();
        await page.Locator("#delete-submit").ClickAsync();
        await Expect(page.Locator("#delete-password-error")).ToHaveTextAsync("That is not your password.");
        Assert.Equal(HttpStatusCode.OK, await WebUsers.LoginStatusAsync(fixture.Node, "leaver", InProcessNode.Password));

        await page.Locator("#delete-password").FillAsync(InProcessNode.Password);
        await page.Locator("#delete-submit").ClickAsync();

        await Expect(page.Locator("#account-farewell")).ToContainTextAsync("Your account was deleted");
        await Expect(page.Locator("#site-header nav")).ToContainTextAsync("Sign in");
        Assert.NotEqual(HttpStatusCode.OK, await WebUsers.LoginStatusAsync(fixture.Node, "leaver", InProcessNode.Password));
        await page.ReloadAsync();
        await Expect(page.Locator("#account-signed-out")).ToBeVisibleAsync();
        problems.AssertNone();
    }
}

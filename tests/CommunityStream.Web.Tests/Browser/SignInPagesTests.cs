using System.Net;
using CommunityStream.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace CommunityStream.Web.Tests.Browser;

/// <summary>Sign-up and sign-in in real Chromium: hints before sending, the server's answers, the session cookie, ?next=.</summary>
[Collection(BrowserTests.Name)]
public sealed class SignInPagesTests(BrowserFixture browser, NodeFixture fixture) : IClassFixture<NodeFixture>
{
    [SkippableFact]
    public async Task Sign_up_signs_in_and_the_header_shows_the_user()
    {
        browser.SkipIfUnavailable();
        await using var context = await browser.NewContextAsync(fixture.Node.BaseAddress);
        var page = await context.NewPageAsync();
        var problems = await PageProblems.WatchAsync(page);
        await page.GotoAsync("/signup?next=%2Faccount");

        // The server's rules, checked before a round trip: an error next to each field, focus on the first.
        await page.Locator("#signup-username").FillAsync("x!");
        await page.Locator("#signup-email").FillAsync("not-an-email");
        await page.Locator("#signup-password").FillAsync("short");
        await page.Locator("#signup-submit").ClickAsync();
        await Expect(page.Locator("#signup-username-error")).ToContainTextAsync("3 to 25 characters");
        await Expect(page.Locator("#signup-email-error")).ToContainTextAsync("valid address");
        await Expect(page.Locator("#signup-password-error")).ToContainTextAsync("10 to 256 characters");
        await Expect(page.Locator("#signup-username")).ToBeFocusedAsync();
        await Expect(page.Locator("#signup-username")).ToHaveAttributeAsync("aria-invalid", "true");

        await page.Locator("#signup-username").FillAsync("newcomer");
        await page.Locator("#signup-email").FillAsync("newcomer@example.test");
        await page.Locator("#signup-password").FillAsync("lowercaseonly");
        await page.Locator("#signup-submit").ClickAsync();
        await Expect(page.Locator("#signup-password-error")).ToContainTextAsync("mix at least two");
        await Expect(page.Locator("#signup-username-error")).ToBeHiddenAsync();

        await page.Locator("#signup-password").FillAsync(InProcessNode.Password);
        await page.Locator("#signup-submit").ClickAsync();

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account");
        await Expect(page.Locator("#site-header nav")).ToContainTextAsync("newcomer");
        await Expect(page.Locator("#account-username")).ToHaveTextAsync("newcomer");
        // The session survives a reload through the HttpOnly refresh cookie alone (the access token was in memory).
        await page.ReloadAsync();
        await Expect(page.Locator("#account-username")).ToHaveTextAsync("newcomer");
        var cookies = await context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == "cs_refresh" && c.HttpOnly && c.Path == "/api/auth");
        Assert.DoesNotContain("newcomer", await page.EvaluateAsync<string>("() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"), StringComparison.Ordinal);

        // A taken name comes back from the server and lands next to its field.
        await using var other = await browser.NewContextAsync(fixture.Node.BaseAddress);
        var second = await other.NewPageAsync();
        await second.GotoAsync("/signup");
        await second.Locator("#signup-username").FillAsync("newcomer");
        await second.Locator("#signup-email").FillAsync("someone-else@example.test");
        await second.Locator("#signup-password").FillAsync(InProcessNode.Password);
        await second.Locator("#signup-submit").ClickAsync();
        await Expect(second.Locator("#signup-username-error")).ToContainTextAsync("taken");
        problems.AssertNone();
        Assert.Equal(0, await second.EvaluateAsync<int>("() => document.querySelectorAll('[aria-invalid=true]').length - 1"));
    }

    [SkippableFact]
    public async Task Wrong_password_is_an_error_then_the_right_one_goes_to_next()
    {
        browser.SkipIfUnavailable();
        await fixture.Node.RegisterAsync("returning");
        await using var context = await browser.NewContextAsync(fixture.Node.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login?next=%2Faccount%3Ftab%3Dx");

        await page.Locator("#login-submit").ClickAsync();
        await Expect(page.Locator("#login-name-error")).ToContainTextAsync("Enter your username");

        await page.Locator("#login-name").FillAsync("returning");
        await page.Locator("#login-password").FillAsync("Not-The-Password-1");
        await page.Locator("#login-submit").ClickAsync();
        await Expect(page.Locator("#login-error")).ToHaveTextAsync("Wrong username, email or password.");
        await Expect(page.Locator("#login-password")).ToBeFocusedAsync();
        await Expect(page.Locator("#login-password")).ToHaveValueAsync("");
        Assert.EndsWith("/login?next=%2Faccount%3Ftab%3Dx", page.Url, StringComparison.Ordinal);

        await page.Locator("#login-password").FillAsync(InProcessNode.Password);
        await page.Locator("#login-submit").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).PathAndQuery == "/account?tab=x");
        await Expect(page.Locator("#account-username")).ToHaveTextAsync("returning");

        // Signed in already: the sign-in page sends the visitor on.
        await page.GotoAsync("/login?next=%2Fstudio");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/studio");
    }

    [SkippableFact]
    public async Task Next_only_leads_to_paths_of_this_site_and_waits_are_in_words()
    {
        browser.SkipIfUnavailable();
        await using var context = await browser.NewContextAsync(fixture.Node.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        var forms = fixture.Assets.Prefix + "/js/forms.js";

        var outcomes = await page.EvaluateAsync<string[]>(
            """
            async (module) => {
              const { safeNext } = await import(module);
              const o = location.origin;
              return ['?next=%2Faccount', '?next=//evil.example/x', '?next=https://evil.example/', '?next=/%5Cevil.example',
                      '?next=%2F%2Fevil.example', '?next=javascript:alert(1)', '?next=/c/alice%3Fx#y', '?next=/login', '', '?next=%2Fa%0Ab',
                      '?next=/.//evil.example/x', '?next=/./%5Cevil.example', '?next=/a/..//evil.example']
                .map((search) => safeNext(search, o));
            }
            """, forms);
        Assert.Equal(["/account", "/", "/", "/", "/", "/", "/c/alice?x#y", "/", "/", "/", "/", "/", "/"], outcomes);

        var words = await page.EvaluateAsync<string[]>(
            "async (module) => { const { inWords } = await import(module); return [1, 45, 60, 61, 3600, 7200].map(inWords); }", forms);
        Assert.Equal(["1 second", "45 seconds", "1 minute", "2 minutes", "1 hour", "2 hours"], words);
    }

    [SkippableFact]
    public async Task Too_many_attempts_say_when_to_try_again()
    {
        browser.SkipIfUnavailable();
        await using var node = await InProcessNode.StartAsync("--Identity:Throttle:IpAttemptsPerMinute", "2");
        await node.RegisterAsync("throttled");
        await using var context = await browser.NewContextAsync(node.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.Locator("#login-name").FillAsync("throttled");

        for (var attempt = 0; attempt < 4; attempt++)
        {
            await page.Locator("#login-password").FillAsync("Wrong-Password-" + attempt);
            await page.Locator("#login-submit").ClickAsync();
            await Expect(page.Locator("#login-submit")).ToBeEnabledAsync();
        }

        await Expect(page.Locator("#login-error")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Too many attempts\\. Try again in \\d+ (second|seconds|minute|minutes)\\.$"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await WebUsers.LoginStatusAsync(node, "throttled", InProcessNode.Password));
    }
}

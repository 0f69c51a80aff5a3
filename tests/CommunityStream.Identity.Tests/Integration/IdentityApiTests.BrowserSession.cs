using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityStream.Identity.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using static CommunityStream.Identity.Tests.Support.ApiClient;

namespace CommunityStream.Identity.Tests.Integration;

/// <summary>The browser form of login, refresh and logout: cookies, double-submit CSRF and the Origin check.</summary>
public abstract partial class IdentityApiTests
{
    private async Task<(UserDto User, BrowserClient Browser, JsonElement Body)> CookieLoginAsync(string prefix = "ck")
    {
        var user = await RegisterAsync(Client, NewUsername(prefix));
        var browser = new BrowserClient(Client.BaseAddress!);
        using var login = await browser.SendAsync(HttpMethod.Post, "/api/auth/login", new { login = user.Username, password = Password, session = "cookie" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        browser.Remember(login);
        return (user, browser, await login.Content.ReadFromJsonAsync<JsonElement>());
    }

    [SkippableFact]
    public async Task Should_set_secure_strict_cookies_and_keep_the_refresh_token_out_of_a_cookie_login_body()
    {
        SkipIfUnavailable();
        var user = await RegisterAsync(Client, NewUsername("ck"));
        using var browser = new BrowserClient(Client.BaseAddress!);
        using var login = await browser.SendAsync(HttpMethod.Post, "/api/auth/login", new { login = user.Username, password = Password, session = "cookie" });

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var body = await login.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.TryGetProperty("refreshToken", out _), body.ToString());
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.True(body.GetProperty("expiresIn").GetInt32() > 0);
        Assert.Equal(user.Id, body.GetProperty("user").GetProperty("id").GetGuid());
        Assert.Equal(user.Username, body.GetProperty("user").GetProperty("username").GetString());
        Assert.Equal(["viewer"], body.GetProperty("user").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        using (var me = await SendAsync(Client, HttpMethod.Get, "/api/me", token: body.GetProperty("accessToken").GetString()))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        var cookies = SetCookie.AllOf(login);
        var refresh = cookies["cs_refresh"];
        Assert.Equal("/api/auth", refresh["path"]);
        Assert.True(refresh.Has("httponly") && refresh.Has("secure"), refresh.ToString());
        Assert.Equal("strict", refresh["samesite"]);
        Assert.Equal((30 * 86_400).ToString(System.Globalization.CultureInfo.InvariantCulture), refresh["max-age"]);
        Assert.True(refresh.Value.Length >= 43);

        var csrf = cookies["cs_csrf"];
        Assert.Equal("/", csrf["path"]);
        Assert.True(csrf.Has("secure"));
        Assert.False(csrf.Has("httponly"), "the page's script must read the CSRF cookie");
        Assert.Equal("strict", csrf["samesite"]);
        Assert.Equal(refresh["max-age"], csrf["max-age"]);
        Assert.Equal(16, WebEncoders.Base64UrlDecode(csrf.Value).Length);

        using var bogus = await PostAsync(Client, "/api/auth/login", new { login = user.Username, password = Password, session = "localStorage" });
        var problem = await ReadProblemAsync(bogus, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("session", out _));
    }

    [SkippableFact]
    public async Task Should_refresh_from_the_cookie_with_the_csrf_header_rotate_both_cookies_and_detect_reuse()
    {
        SkipIfUnavailable();
        var (user, browser, _) = await CookieLoginAsync();
        using var _1 = browser;
        var (firstRefresh, firstCsrf) = (browser.Refresh!, browser.Csrf!);

        // A browser's fetch with no body, and one with {}: both are the cookie form.
        using (var refreshed = await browser.SendAsync(HttpMethod.Post, "/api/auth/refresh", csrf: browser.Csrf, origin: browser.Origin))
        {
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
            var body = await refreshed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(body.TryGetProperty("refreshToken", out _));
            Assert.Equal(user.Username, body.GetProperty("user").GetProperty("username").GetString());
            browser.Remember(refreshed);
        }
        Assert.NotEqual(firstRefresh, browser.Refresh);
        Assert.NotEqual(firstCsrf, browser.Csrf);
        using (var again = await browser.SendAsync(HttpMethod.Post, "/api/auth/refresh", body: new { }, csrf: browser.Csrf))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            browser.Remember(again);
        }

        // The first cookie presented again is reuse: the whole login ends, the current cookie with it.
        using (var reused = await browser.SendAsync(HttpMethod.Post, "/api/auth/refresh", csrf: browser.Csrf, refresh: firstRefresh))
        {
            await ReadProblemAsync(reused, HttpStatusCode.Unauthorized);
            Assert.Equal("0", SetCookie.AllOf(reused)["cs_refresh"]["max-age"]);
        }
        using var current = await browser.SendAsync(HttpMethod.Post, "/api/auth/refresh", csrf: browser.Csrf);
        await ReadProblemAsync(current, HttpStatusCode.Unauthorized);
    }

    [SkippableFact]
    public async Task Should_refuse_a_cookie_refresh_without_the_csrf_token_or_from_another_origin()
    {
        SkipIfUnavailable();
        var (_, browser, _) = await CookieLoginAsync();
        using var _1 = browser;

        using (var noHeader = await browser.SendAsync(HttpMethod.Post, "/api/auth/refresh"))
        {
            Assert.Equal("csrf", (await ReadProblemAsync(noHeader, HttpStatusCode.Forbidden)).GetProperty("code").GetString());
        }
        using (var wrongHeader = await browser.SendAsync(HttpMethod.Post, "/api/auth/refresh", csrf: browser.Csrf + "x"))
        {
            Assert.Equal("csrf", (await ReadProblemAsync(wrongHeader, HttpStatusCode.Forbidden)).GetProperty("code").GetString());
        }
        var csrfValue = browser.Csrf;
        browser.Csrf = null;
        using (var noCookie = await browser.SendAsync(HttpMethod.Post, "/api/auth/refresh", csrf: csrfValue))
        {
            Assert.Equal("csrf", (await ReadProblemAsync(noCookie, HttpStatusCode.Forbidden)).GetProperty("code").GetString());
        }
        browser.Csrf = csrfValue;
        using (var crossSite = await browser.SendAsync(HttpMethod.Post, "/api/auth/refresh", csrf: browser.Csrf, origin: "http://evil.example"))
        {
            Assert.Equal("origin", (await ReadProblemAsync(crossSite, HttpStatusCode.Forbidden)).GetProperty("code").GetString());
        }
        using (var otherPort = await browser.SendAsync(HttpMethod.Post, "/api/auth/refresh", csrf: browser.Csrf, origin: "http://127.0.0.1:1"))
        {
            await ReadProblemAsync(otherPort, HttpStatusCode.Forbidden);
        }
        using (var noSession = await browser.SendAsync(HttpMethod.Post, "/api/auth/refresh", csrf: browser.Csrf, sendCookies: false))
        {
            await ReadProblemAsync(noSession, HttpStatusCode.Unauthorized);
        }
        using (var oversized = await browser.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { padding = new string('x', 20_000) }, csrf: browser.Csrf))
        {
            await ReadProblemAsync(oversized, HttpStatusCode.RequestEntityTooLarge);
        }

        // None of the refusals used the refresh token up.
        using var refreshed = await browser.SendAsync(HttpMethod.Post, "/api/auth/refresh", csrf: browser.Csrf, origin: browser.Origin);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [SkippableFact]
    public async Task Should_logout_a_cookie_session_only_with_the_csrf_token_and_expire_both_cookies()
    {
        SkipIfUnavailable();
        var (_, browser, _) = await CookieLoginAsync();
        using var _1 = browser;

        using (var forged = await browser.SendAsync(HttpMethod.Post, "/api/auth/logout"))
        {
            Assert.Equal("csrf", (await ReadProblemAsync(forged, HttpStatusCode.Forbidden)).GetProperty("code").GetString());
        }
        var refresh = browser.Refresh;
        using (var logout = await browser.SendAsync(HttpMethod.Post, "/api/auth/logout", csrf: browser.Csrf, origin: browser.Origin))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
            var cookies = SetCookie.AllOf(logout);
            Assert.Equal("0", cookies["cs_refresh"]["max-age"]);
            Assert.Equal("/api/auth", cookies["cs_refresh"]["path"]);
            Assert.Equal("0", cookies["cs_csrf"]["max-age"]);
            browser.Remember(logout);
        }
        Assert.Null(browser.Refresh);
        using var afterwards = await PostAsync(Client, "/api/auth/refresh", new { refreshToken = refresh });
        await ReadProblemAsync(afterwards, HttpStatusCode.Unauthorized);
    }
}

using System.Text.Json;
using CommunityStream.EndToEnd.Tests.Support;

namespace CommunityStream.EndToEnd.Tests;

/// <summary>
/// The cookie session as a real browser sees it: Debian Chromium on a page of the node itself, over plain http on
/// 127.0.0.1 and on localhost, keeps the <c>Secure</c> cookies of a cookie login, lets the page's script read the
/// CSRF cookie but not the refresh cookie, sends the refresh cookie back with its real <c>Origin</c>, and forgets both
/// after a logout.
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class BrowserSessionCookieTests(ChromiumFixture chromium)
{
    private const string Script = """
        async ([login, password]) => {
          const csrf = () => (document.cookie.match(/(?:^|; )cs_csrf=([^;]*)/) || [])[1] ?? null;
          const signedIn = await fetch('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ login, password, session: 'cookie' }) });
          const first = csrf();
          const scriptSeesRefresh = document.cookie.includes('cs_refresh');
          const withoutHeader = await fetch('/api/auth/refresh', { method: 'POST' });
          const refreshed = await fetch('/api/auth/refresh', { method: 'POST', headers: { 'X-CSRF-Token': first } });
          const body = await refreshed.json();
          const second = csrf();
          const loggedOut = await fetch('/api/auth/logout', { method: 'POST', headers: { 'X-CSRF-Token': second } });
          const afterLogout = await fetch('/api/auth/refresh', { method: 'POST', headers: { 'X-CSRF-Token': second ?? '' } });
          return { login: signedIn.status, csrf: first, scriptSeesRefresh, withoutHeader: withoutHeader.status,
            refreshed: refreshed.status, user: body.user?.username ?? null, hasRefreshToken: 'refreshToken' in body,
            rotated: second !== null && second !== first, loggedOut: loggedOut.status, afterLogout: afterLogout.status,
            cookiesLeft: document.cookie };
        }
        """;

    [SkippableTheory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task Should_keep_and_send_the_secure_session_cookies_over_http_on_loopback(string host)
    {
        chromium.SkipIfUnavailable();
        await using var node = await InProcessNode.StartAsync();
        await node.RegisterAsync("cookie_user");
        var site = new UriBuilder(node.BaseAddress) { Host = host }.Uri;
        var context = await chromium.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(site, "/api/streams").ToString());

            var result = await page.EvaluateAsync<JsonElement>(Script, new[] { "cookie_user", InProcessNode.Password });

            Assert.Equal(200, result.GetProperty("login").GetInt32());
            Assert.False(string.IsNullOrEmpty(result.GetProperty("csrf").GetString()), $"Chromium kept no cs_csrf cookie on {host}: {result}");
            Assert.False(result.GetProperty("scriptSeesRefresh").GetBoolean(), "cs_refresh must be HttpOnly");
            Assert.Equal(403, result.GetProperty("withoutHeader").GetInt32());
            Assert.Equal(200, result.GetProperty("refreshed").GetInt32());
            Assert.Equal("cookie_user", result.GetProperty("user").GetString());
            Assert.False(result.GetProperty("hasRefreshToken").GetBoolean());
            Assert.True(result.GetProperty("rotated").GetBoolean());
            Assert.Equal(204, result.GetProperty("loggedOut").GetInt32());
            Assert.Equal(401, result.GetProperty("afterLogout").GetInt32());
            Assert.DoesNotContain("cs_csrf", result.GetProperty("cookiesLeft").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await context.DisposeAsync();
        }
    }
}

using System.Net;
using CommunityStream.Identity.Tests.Support;
using static CommunityStream.Identity.Tests.Support.ApiClient;

namespace CommunityStream.Identity.Tests.Integration;

/// <summary>Every response that carries a token or the stream key says no cache may keep it (RFC 6749 §5.1).</summary>
public abstract partial class IdentityApiTests
{
    [SkippableFact]
    public async Task Should_forbid_caching_every_response_that_carries_a_token_or_the_stream_key()
    {
        SkipIfUnavailable();
        var (user, tokens) = await RegisterAndLoginAsync(Client, "nostore");
        using (var grant = await SendAsync(Client, HttpMethod.Put, $"/api/users/{user.Id}/roles", new { roles = new[] { "streamer" } }, await Fixture.AdminTokenAsync()))
        {
            Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        }

        using (var login = await PostAsync(Client, "/api/auth/login", new { login = user.Username, password = Password }))
        {
            AssertNoStore(login, HttpStatusCode.OK);
            tokens = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<TokenDto>(login.Content))!;
        }
        using (var failed = await PostAsync(Client, "/api/auth/login", new { login = user.Username, password = "" }))
        {
            AssertNoStore(failed, HttpStatusCode.Unauthorized);
        }
        using (var refresh = await PostAsync(Client, "/api/auth/refresh", new { refreshToken = tokens.RefreshToken }))
        {
            AssertNoStore(refresh, HttpStatusCode.OK);
        }
        using (var browser = new BrowserClient(Client.BaseAddress!))
        {
            using var cookieLogin = await browser.SendAsync(HttpMethod.Post, "/api/auth/login", new { login = user.Username, password = Password, session = "cookie" });
            AssertNoStore(cookieLogin, HttpStatusCode.OK);
            browser.Remember(cookieLogin);
            using var cookieRefresh = await browser.SendAsync(HttpMethod.Post, "/api/auth/refresh", csrf: browser.Csrf);
            AssertNoStore(cookieRefresh, HttpStatusCode.OK);
        }

        var access = (await LoginAsync(Client, user.Username)).AccessToken;
        using (var rotate = await PostAsync(Client, "/api/me/stream-key", token: access))
        {
            AssertNoStore(rotate, HttpStatusCode.OK);
        }
        using (var metadata = await SendAsync(Client, HttpMethod.Get, "/api/me/stream-key", token: access))
        {
            AssertNoStore(metadata, HttpStatusCode.OK);
        }
        using (var export = await SendAsync(Client, HttpMethod.Get, "/api/me/export", token: access))
        {
            AssertNoStore(export, HttpStatusCode.OK);
        }
        using (var password = await PostAsync(Client, "/api/me/password", new { currentPassword = Password, newPassword = "Another-Horse-77" }, access))
        {
            AssertNoStore(password, HttpStatusCode.OK);
        }
    }

    private static void AssertNoStore(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage?.RequestUri}: Cache-Control {response.Headers.CacheControl}");
        Assert.Contains("no-cache", response.Headers.Pragma.Select(p => p.Name));
    }
}

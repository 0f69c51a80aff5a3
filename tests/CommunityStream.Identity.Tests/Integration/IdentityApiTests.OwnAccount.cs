using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityStream.Identity.Accounts;
using CommunityStream.Identity.Contracts;
using CommunityStream.Identity.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static CommunityStream.Identity.Tests.Support.ApiClient;

namespace CommunityStream.Identity.Tests.Integration;

/// <summary><c>/api/me</c>: password change, log out everywhere, stream-key metadata, data export, account deletion.</summary>
public abstract partial class IdentityApiTests
{
    private const string NewPassword = "Brand-New-Pass-7";

    [SkippableTheory]
    [InlineData("POST", "/api/me/password")]
    [InlineData("POST", "/api/me/sessions/revoke")]
    [InlineData("GET", "/api/me/stream-key")]
    [InlineData("GET", "/api/me/export")]
    [InlineData("DELETE", "/api/me")]
    public async Task Should_answer_anonymous_account_calls_with_401(string method, string path)
    {
        SkipIfUnavailable();
        using var response = await SendAsync(Client, new HttpMethod(method), path, new { password = Password });
        await ReadProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [SkippableFact]
    public async Task Should_show_stream_key_metadata_to_streamers_but_never_the_key()
    {
        SkipIfUnavailable();
        var (user, viewer) = await RegisterAndLoginAsync(Client, "skm");
        using (var forbidden = await SendAsync(Client, HttpMethod.Get, "/api/me/stream-key", token: viewer.AccessToken))
        {
            await ReadProblemAsync(forbidden, HttpStatusCode.Forbidden);
        }
        var streamer = await GrantStreamerAsync(user, viewer);

        using (var none = await SendAsync(Client, HttpMethod.Get, "/api/me/stream-key", token: streamer.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, none.StatusCode);
            Assert.Equal("""{"exists":false,"createdAt":null}""", await none.Content.ReadAsStringAsync());
        }
        var key = await CreateStreamKeyAsync(streamer.AccessToken);
        using var some = await SendAsync(Client, HttpMethod.Get, "/api/me/stream-key", token: streamer.AccessToken);
        var text = await some.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement;
        Assert.True(body.GetProperty("exists").GetBoolean());
        Assert.Equal(key.CreatedAt, body.GetProperty("createdAt").GetDateTimeOffset());
        Assert.DoesNotContain(key.StreamKey, text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Should_change_the_password_only_with_the_current_one_end_other_logins_and_refuse_earlier_access_tokens()
    {
        SkipIfUnavailable();
        var (user, here) = await RegisterAndLoginAsync(Client, "pw");
        var elsewhere = await LoginAsync(Client, user.Username);

        using (var wrong = await PostAsync(Client, "/api/me/password", new { currentPassword = "Not-The-Passw0rd", newPassword = NewPassword }, here.AccessToken))
        {
            Assert.Equal("wrong_password", (await ReadProblemAsync(wrong, HttpStatusCode.Forbidden)).GetProperty("code").GetString());
        }
        using (var missing = await PostAsync(Client, "/api/me/password", new { newPassword = NewPassword }, here.AccessToken))
        {
            Assert.True((await ReadProblemAsync(missing, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("currentPassword", out _));
        }
        using (var weak = await PostAsync(Client, "/api/me/password", new { currentPassword = Password, newPassword = "short" }, here.AccessToken))
        {
            Assert.True((await ReadProblemAsync(weak, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("newPassword", out _));
        }
        string fresh;
        using (var changed = await PostAsync(Client, "/api/me/password", new { currentPassword = Password, newPassword = NewPassword }, here.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            var body = JsonDocument.Parse(await changed.Content.ReadAsStringAsync()).RootElement;
            fresh = body.GetProperty("accessToken").GetString()!;
            Assert.True(body.GetProperty("expiresIn").GetInt32() > 0);
            Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        }
        // Every access token issued before the change is refused at once (this node forgot its status cache entry),
        // and the fresh one, issued in the change's own second, is accepted at once.
        using (var old = await SendAsync(Client, HttpMethod.Get, "/api/me", token: here.AccessToken))
        {
            await ReadProblemAsync(old, HttpStatusCode.Unauthorized);
        }
        using (var otherAccess = await SendAsync(Client, HttpMethod.Get, "/api/me", token: elsewhere.AccessToken))
        {
            await ReadProblemAsync(otherAccess, HttpStatusCode.Unauthorized);
        }
        using (var current = await SendAsync(Client, HttpMethod.Get, "/api/me", token: fresh))
        {
            Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        }

        using (var oldPassword = await PostAsync(Client, "/api/auth/login", new { login = user.Username, password = Password }))
        {
            await ReadProblemAsync(oldPassword, HttpStatusCode.Unauthorized);
        }
        await LoginAsync(Client, user.Username, NewPassword);
        using (var other = await PostAsync(Client, "/api/auth/refresh", new { refreshToken = elsewhere.RefreshToken }))
        {
            await ReadProblemAsync(other, HttpStatusCode.Unauthorized);
        }
        using var own = await PostAsync(Client, "/api/auth/refresh", new { refreshToken = here.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var refreshed = JsonDocument.Parse(await own.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString();
        using var afterRefresh = await SendAsync(Client, HttpMethod.Get, "/api/me", token: refreshed);
        Assert.Equal(HttpStatusCode.OK, afterRefresh.StatusCode);
    }

    [SkippableFact]
    public async Task Should_log_out_everywhere_and_expire_the_browser_cookies()
    {
        SkipIfUnavailable();
        var (user, browser, body) = await CookieLoginAsync("out");
        using var _1 = browser;
        var other = await LoginAsync(Client, user.Username);
        // Tokens carry whole-second issue times and one from the revocation's own second counts as revoked: wait for the next second.
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        var accessToken = body.GetProperty("accessToken").GetString()!;

        using (var revoke = await browser.SendAsync(HttpMethod.Post, "/api/me/sessions/revoke", token: accessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
            var cookies = SetCookie.AllOf(revoke);
            Assert.Equal("0", cookies["cs_refresh"]["max-age"]);
            Assert.Equal("/api/auth", cookies["cs_refresh"]["path"]);
            Assert.Equal("0", cookies["cs_csrf"]["max-age"]);
        }
        using (var me = await SendAsync(Client, HttpMethod.Get, "/api/me", token: other.AccessToken))
        {
            await ReadProblemAsync(me, HttpStatusCode.Unauthorized);
        }
        using (var cookieRefresh = await browser.SendAsync(HttpMethod.Post, "/api/auth/refresh", csrf: browser.Csrf))
        {
            await ReadProblemAsync(cookieRefresh, HttpStatusCode.Unauthorized);
        }
        using var jsonRefresh = await PostAsync(Client, "/api/auth/refresh", new { refreshToken = other.RefreshToken });
        await ReadProblemAsync(jsonRefresh, HttpStatusCode.Unauthorized);
        Assert.Contains(user.Id, await Fixture.App.Get<IDisabledAccounts>().SessionsRevokedSinceAsync(DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None));
    }

    [SkippableFact]
    public async Task Should_export_the_account_as_an_attachment_once_a_minute()
    {
        SkipIfUnavailable();
        var (user, viewer) = await RegisterAndLoginAsync(Client, "exp");
        var streamer = await GrantStreamerAsync(user, viewer);
        var key = await CreateStreamKeyAsync(streamer.AccessToken);

        using var export = await SendAsync(Client, HttpMethod.Get, "/api/me/export", token: streamer.AccessToken);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("attachment", export.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"communitystream-{user.Username}.json", export.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var text = await export.Content.ReadAsStringAsync();
        Assert.DoesNotContain(key.StreamKey, text, StringComparison.Ordinal);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.InRange(body.GetProperty("exportedAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        var account = body.GetProperty("account");
        Assert.Equal(user.Id, account.GetProperty("id").GetGuid());
        Assert.Equal(user.Username, account.GetProperty("username").GetString());
        Assert.Equal(user.Email, account.GetProperty("email").GetString());
        Assert.Equal(user.CreatedAt, account.GetProperty("createdAt").GetDateTimeOffset());
        Assert.NotEqual(JsonValueKind.Null, account.GetProperty("lastLoginAt").ValueKind);
        Assert.Equal(["viewer", "streamer"], account.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.True(body.GetProperty("streamKey").GetProperty("exists").GetBoolean());
        Assert.Equal(key.CreatedAt, body.GetProperty("streamKey").GetProperty("createdAt").GetDateTimeOffset());
        // No chat module in this app: an empty list, not a missing one.
        Assert.Equal(0, body.GetProperty("chatMessages").GetArrayLength());

        using var again = await SendAsync(Client, HttpMethod.Get, "/api/me/export", token: streamer.AccessToken);
        await ReadProblemAsync(again, HttpStatusCode.TooManyRequests);
        Assert.InRange(again.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    [SkippableFact]
    public async Task Should_delete_an_account_after_the_password_and_free_its_names_after_the_grace_period()
    {
        SkipIfUnavailable();
        var (user, viewer) = await RegisterAndLoginAsync(Client, "del");
        var streamer = await GrantStreamerAsync(user, viewer);
        var key = await CreateStreamKeyAsync(streamer.AccessToken);
        await Task.Delay(TimeSpan.FromMilliseconds(1100)); // the tokens' whole-second iat must precede the deletion

        using (var wrong = await SendAsync(Client, HttpMethod.Delete, "/api/me", new { password = "Not-The-Passw0rd" }, streamer.AccessToken))
        {
            Assert.Equal("wrong_password", (await ReadProblemAsync(wrong, HttpStatusCode.Forbidden)).GetProperty("code").GetString());
        }
        using (var noBody = await SendAsync(Client, HttpMethod.Delete, "/api/me", token: streamer.AccessToken))
        {
            await ReadProblemAsync(noBody, HttpStatusCode.UnsupportedMediaType);
        }
        using (var oversized = await SendAsync(Client, HttpMethod.Delete, "/api/me", new { password = new string('x', 20_000) }, streamer.AccessToken))
        {
            await ReadProblemAsync(oversized, HttpStatusCode.RequestEntityTooLarge);
        }
        Assert.False(Fixture.App.Get<IDeletedAccounts>().IsDeleted(user.Id));

        using (var deleted = await SendAsync(Client, HttpMethod.Delete, "/api/me", new { password = Password }, streamer.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            Assert.Equal("0", SetCookie.AllOf(deleted)["cs_refresh"]["max-age"]);
        }

        Assert.True(Fixture.App.Get<IDeletedAccounts>().IsDeleted(user.Id));
        Assert.Contains(user.Id, await Fixture.App.Get<IDisabledAccounts>().DisabledSinceAsync(DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None));
        Assert.Null(await Fixture.App.Get<IStreamKeyValidator>().ValidateStreamKeyAsync(user.Username, key.StreamKey, CancellationToken.None));
        Assert.Null(await Fixture.App.Get<ITokenValidator>().ValidateAccessTokenAsync(streamer.AccessToken, CancellationToken.None));
        using (var me = await SendAsync(Client, HttpMethod.Get, "/api/me", token: streamer.AccessToken))
        {
            await ReadProblemAsync(me, HttpStatusCode.Unauthorized);
        }
        using (var refresh = await PostAsync(Client, "/api/auth/refresh", new { refreshToken = viewer.RefreshToken }))
        {
            await ReadProblemAsync(refresh, HttpStatusCode.Unauthorized);
        }
        using (var login = await PostAsync(Client, "/api/auth/login", new { login = user.Username, password = Password }))
        {
            await ReadProblemAsync(login, HttpStatusCode.Forbidden);
        }
        using (var enable = await SendAsync(Client, HttpMethod.Post, $"/api/users/{user.Id}/enable", token: await Fixture.AdminTokenAsync()))
        {
            await ReadProblemAsync(enable, HttpStatusCode.NotFound);
        }

        // During the grace period the names stay taken; afterwards anyone may register them.
        var watcher = Fixture.App.Services.GetServices<IHostedService>().OfType<DeletedAccountWatcher>().Single();
        await watcher.FreeExpiredNamesAsync(DateTimeOffset.UtcNow.AddDays(29), CancellationToken.None);
        using (var taken = await PostAsync(Client, "/api/auth/register", new { username = user.Username, email = user.Email, password = Password }))
        {
            await ReadProblemAsync(taken, HttpStatusCode.Conflict);
        }
        Assert.True(await watcher.FreeExpiredNamesAsync(DateTimeOffset.UtcNow.AddDays(31), CancellationToken.None) >= 1);
        var reborn = await RegisterAsync(Client, user.Username);
        Assert.NotEqual(user.Id, reborn.Id);
        Assert.True(Fixture.App.Get<IDeletedAccounts>().IsDeleted(user.Id));
        Assert.False(Fixture.App.Get<IDeletedAccounts>().IsDeleted(reborn.Id));
    }

    [SkippableFact]
    public async Task Should_throttle_password_re_entry_like_the_login()
    {
        SkipIfUnavailable();
        var (_, tokens) = await RegisterAndLoginAsync(Client, "thr");
        // The fixture locks an account after 3 failures.
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await SendAsync(Client, HttpMethod.Delete, "/api/me", new { password = "Not-The-Passw0rd" }, tokens.AccessToken);
            await ReadProblemAsync(wrong, HttpStatusCode.Forbidden);
        }
        using var locked = await SendAsync(Client, HttpMethod.Delete, "/api/me", new { password = Password }, tokens.AccessToken);
        await ReadProblemAsync(locked, HttpStatusCode.TooManyRequests);
        Assert.NotNull(locked.Headers.RetryAfter?.Delta);
        using var password = await PostAsync(Client, "/api/me/password", new { currentPassword = Password, newPassword = NewPassword }, tokens.AccessToken);
        await ReadProblemAsync(password, HttpStatusCode.TooManyRequests);
    }

    private async Task<TokenDto> GrantStreamerAsync(UserDto user, TokenDto tokens)
    {
        using (var grant = await SendAsync(Client, HttpMethod.Put, $"/api/users/{user.Id}/roles", new { roles = new[] { "streamer" } }, await Fixture.AdminTokenAsync()))
        {
            Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        }
        using var refreshed = await PostAsync(Client, "/api/auth/refresh", new { refreshToken = tokens.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        return (await refreshed.Content.ReadFromJsonAsync<TokenDto>())!;
    }
}

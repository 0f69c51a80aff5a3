using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;

namespace CommunityStream.Host.Tests.Admin;

/// <summary><c>/admin/v1/users…</c> over the admin listener of a real node: listing, showing, roles, disable/enable and revoking sessions.</summary>
[Collection(AdminNodeFixture.Collection)]
public sealed class UserAdminApiTests(AdminNodeFixture fixture)
{
    private InProcessNode Node => fixture.Node;

    private AdminClient Admin => fixture.Admin;

    [Fact]
    public async Task Should_list_accounts_by_username_or_email_prefix_and_role_in_pages()
    {
        await Node.RegisterAsync("ula_alpha");
        await Node.RegisterAsync("ula_alps", fixture.AdminToken, "viewer", "streamer");
        await Node.RegisterAsync("ulb_beta");

        var page = await Admin.GetJsonAsync("users?query=ULA_AL");
        Assert.Equal(2, page.GetProperty("total").GetInt64());
        Assert.Equal(["ula_alpha", "ula_alps"], Names(page));
        // The prefix is literal: '_' and '%' are not wildcards.
        Assert.Equal(0, (await Admin.GetJsonAsync("users?query=ul_")).GetProperty("total").GetInt64());
        Assert.Equal(0, (await Admin.GetJsonAsync("users?query=ula%25")).GetProperty("total").GetInt64());
        // Email prefixes match too (registered as name@example.test).
        Assert.Equal(["ulb_beta"], Names(await Admin.GetJsonAsync("users?query=ULB_BETA@EXAMPLE")));

        Assert.Equal(["ula_alps"], Names(await Admin.GetJsonAsync("users?query=ula&role=streamer")));
        var second = await Admin.GetJsonAsync("users?query=ula_al&limit=1&offset=1");
        Assert.Equal(2, second.GetProperty("total").GetInt64());
        Assert.Equal(["ula_alps"], Names(second));

        await Admin.GetJsonAsync("users?role=king", HttpStatusCode.BadRequest);
        await Admin.GetJsonAsync("users?limit=0", HttpStatusCode.BadRequest);
        await Admin.GetJsonAsync("users?limit=501", HttpStatusCode.BadRequest);
        await Admin.GetJsonAsync("users?offset=-1", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Should_show_an_account_by_id_or_username_with_last_login_and_chat_sockets()
    {
        var id = await Node.RegisterAsync("us_show");
        var before = await Admin.GetJsonAsync("users/us_show");
        Assert.Equal(id, before.GetProperty("id").GetGuid());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("lastLoginAt").ValueKind);

        var token = await Node.LoginAsync("us_show");
        await using var chat = await ChatClient.ConnectAsync(Node.WebSocketUri(token));
        var shown = await Admin.GetJsonAsync($"users/{id}");
        Assert.Equal("us_show", shown.GetProperty("username").GetString());
        Assert.Equal(["viewer"], shown.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!));
        Assert.False(shown.GetProperty("disabled").GetBoolean());
        Assert.True(shown.GetProperty("lastLoginAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(1, shown.GetProperty("activity").GetProperty("chatSocketsOnThisNode").GetInt32());
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("activity").GetProperty("liveStream").ValueKind);

        await Admin.GetJsonAsync("users/nobody_here", HttpStatusCode.NotFound);
        await Admin.GetJsonAsync($"users/{Guid.NewGuid()}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_set_roles_and_disable_and_enable_an_account()
    {
        var id = await Node.RegisterAsync("us_roles");
        var token = await Node.LoginAsync("us_roles");

        var granted = await Admin.SendJsonAsync(HttpMethod.Put, "users/us_roles/roles", new { roles = new[] { "Streamer" } });
        Assert.Equal(["viewer", "streamer"], granted.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!));
        await Admin.SendJsonAsync(HttpMethod.Put, "users/us_roles/roles", new { roles = new[] { "king" } }, HttpStatusCode.BadRequest);
        await Admin.SendJsonAsync(HttpMethod.Put, "users/us_roles/roles", new { }, HttpStatusCode.BadRequest);
        await Admin.SendJsonAsync(HttpMethod.Put, "users/nobody_here/roles", new { roles = new[] { "viewer" } }, HttpStatusCode.NotFound);

        await using var chat = await ChatClient.ConnectAsync(Node.WebSocketUri(token));
        Assert.True((await Admin.SendJsonAsync(HttpMethod.Post, $"users/{id}/disable")).GetProperty("disabled").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(token));
        Assert.Equal((WebSocketCloseStatus)4003, await chat.Closed.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.False((await Admin.SendJsonAsync(HttpMethod.Post, "users/us_roles/enable")).GetProperty("disabled").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(await Node.LoginAsync("us_roles")));
        await Admin.SendJsonAsync(HttpMethod.Post, "users/nobody_here/disable", status: HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_revoke_sessions_refresh_tokens_access_tokens_and_chat_sockets()
    {
        await Node.RegisterAsync("us_revoke");
        using var login = await Node.Http.PostAsJsonAsync("/api/auth/login", new { login = "us_revoke", password = InProcessNode.Password });
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>();
        var access = tokens.GetProperty("accessToken").GetString()!;
        var refresh = tokens.GetProperty("refreshToken").GetString()!;
        await using var chat = await ChatClient.ConnectAsync(Node.WebSocketUri(access));
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(access));

        var revoked = await Admin.SendJsonAsync(HttpMethod.Post, "users/us_revoke/sessions/revoke");
        Assert.NotEqual(JsonValueKind.Null, revoked.GetProperty("sessionsRevokedAt").ValueKind);
        Assert.False(revoked.GetProperty("disabled").GetBoolean());

        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(access));
        using (var refreshed = await Node.Http.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = refresh }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refreshed.StatusCode);
        }
        Assert.Equal((WebSocketCloseStatus)4001, await chat.Closed.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("session_revoked", chat.CloseReason);

        // Tokens carry whole-second issue times: one from a later second than the revocation is accepted.
        var revokedAt = revoked.GetProperty("sessionsRevokedAt").GetDateTimeOffset().ToUnixTimeSeconds();
        await Eventually.True(() => DateTimeOffset.UtcNow.ToUnixTimeSeconds() > revokedAt, TimeSpan.FromSeconds(3), "the second after the revocation");
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(await Node.LoginAsync("us_revoke")));
        await Admin.SendJsonAsync(HttpMethod.Post, "users/nobody_here/sessions/revoke", status: HttpStatusCode.NotFound);
    }

    private async Task<HttpStatusCode> MeStatusAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Node.Http.SendAsync(request);
        return response.StatusCode;
    }

    private static string[] Names(JsonElement page) =>
        [.. page.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("username").GetString()!)];
}

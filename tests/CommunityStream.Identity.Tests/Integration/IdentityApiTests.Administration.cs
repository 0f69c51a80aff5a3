using System.Net;
using System.Net.Http.Json;
using CommunityStream.Identity.Contracts;
using CommunityStream.Identity.Tests.Support;
using static CommunityStream.Identity.Tests.Support.ApiClient;

namespace CommunityStream.Identity.Tests.Integration;

/// <summary>Roles, disabling, stream keys and the contract other modules use.</summary>
public abstract partial class IdentityApiTests
{
    [SkippableFact]
    public async Task Should_provision_the_configured_admin_at_start_up()
    {
        SkipIfUnavailable();
        var admin = await Fixture.App.Get<IUserDirectory>().FindByUsernameAsync(IdentityAppFixture.AdminUsername.ToUpperInvariant(), CancellationToken.None);
        Assert.NotNull(admin);
        Assert.Contains(Roles.Admin, admin.Roles);
        Assert.Contains(Roles.Viewer, admin.Roles);
        Assert.False(admin.Disabled);
    }

    [SkippableFact]
    public async Task Should_let_only_admins_change_roles()
    {
        SkipIfUnavailable();
        var (user, tokens) = await RegisterAndLoginAsync(Client, "roles");
        var adminToken = await Fixture.AdminTokenAsync();

        using (var forbidden = await SendAsync(Client, HttpMethod.Put, $"/api/users/{user.Id}/roles", new { roles = new[] { "admin" } }, tokens.AccessToken))
        {
            await ReadProblemAsync(forbidden, HttpStatusCode.Forbidden);
        }
        using (var anonymous = await SendAsync(Client, HttpMethod.Post, $"/api/users/{user.Id}/disable"))
        {
            await ReadProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        }
        using (var unknownRole = await SendAsync(Client, HttpMethod.Put, $"/api/users/{user.Id}/roles", new { roles = new[] { "emperor" } }, adminToken))
        {
            var problem = await ReadProblemAsync(unknownRole, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("roles", out _));
        }
        using (var unknownUser = await SendAsync(Client, HttpMethod.Put, $"/api/users/{Guid.NewGuid()}/roles", new { roles = new[] { "streamer" } }, adminToken))
        {
            await ReadProblemAsync(unknownUser, HttpStatusCode.NotFound);
        }

        using var granted = await SendAsync(Client, HttpMethod.Put, $"/api/users/{user.Id}/roles", new { roles = new[] { "Moderator", "streamer" } }, adminToken);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal(["viewer", "streamer", "moderator"], (await granted.Content.ReadFromJsonAsync<UserDto>())!.Roles);
        var summary = await Fixture.App.Get<IUserDirectory>().FindByIdAsync(user.Id, CancellationToken.None);
        Assert.Equal(["viewer", "streamer", "moderator"], summary!.Roles);
    }

    [SkippableFact]
    public async Task Should_lock_out_a_disabled_user_everywhere_until_enabled()
    {
        SkipIfUnavailable();
        var (user, tokens) = await RegisterAndLoginAsync(Client, "dis");
        var adminToken = await Fixture.AdminTokenAsync();
        var validator = Fixture.App.Get<ITokenValidator>();
        Assert.NotNull(await validator.ValidateAccessTokenAsync(tokens.AccessToken, CancellationToken.None));

        using (var unknown = await SendAsync(Client, HttpMethod.Post, $"/api/users/{Guid.NewGuid()}/disable", token: adminToken))
        {
            await ReadProblemAsync(unknown, HttpStatusCode.NotFound);
        }
        using (var disable = await SendAsync(Client, HttpMethod.Post, $"/api/users/{user.Id}/disable", token: adminToken))
        {
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
            Assert.True((await disable.Content.ReadFromJsonAsync<UserDto>())!.Disabled);
        }

        using (var me = await SendAsync(Client, HttpMethod.Get, "/api/me", token: tokens.AccessToken))
        {
            await ReadProblemAsync(me, HttpStatusCode.Unauthorized);
        }
        Assert.Null(await validator.ValidateAccessTokenAsync(tokens.AccessToken, CancellationToken.None));
        var disabledAccounts = Fixture.App.Get<IDisabledAccounts>();
        Assert.Contains(user.Id, await disabledAccounts.DisabledSinceAsync(DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None));
        Assert.DoesNotContain(user.Id, await disabledAccounts.DisabledSinceAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None));
        using (var refresh = await PostAsync(Client, "/api/auth/refresh", new { refreshToken = tokens.RefreshToken }))
        {
            await ReadProblemAsync(refresh, HttpStatusCode.Unauthorized);
        }
        using (var login = await PostAsync(Client, "/api/auth/login", new { login = user.Username, password = Password }))
        {
            await ReadProblemAsync(login, HttpStatusCode.Forbidden);
        }

        using (var enable = await SendAsync(Client, HttpMethod.Post, $"/api/users/{user.Id}/enable", token: adminToken))
        {
            Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        }
        Assert.DoesNotContain(user.Id, await disabledAccounts.DisabledSinceAsync(DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None));
        var again = await LoginAsync(Client, user.Username);
        using var meAgain = await SendAsync(Client, HttpMethod.Get, "/api/me", token: again.AccessToken);
        Assert.Equal(HttpStatusCode.OK, meAgain.StatusCode);
    }

    [SkippableFact]
    public async Task Should_issue_rotate_and_validate_stream_keys_for_streamers_only()
    {
        SkipIfUnavailable();
        var (user, viewerTokens) = await RegisterAndLoginAsync(Client, "Chan");
        using (var forbidden = await PostAsync(Client, "/api/me/stream-key", token: viewerTokens.AccessToken))
        {
            await ReadProblemAsync(forbidden, HttpStatusCode.Forbidden);
        }

        using (var grant = await SendAsync(Client, HttpMethod.Put, $"/api/users/{user.Id}/roles", new { roles = new[] { "streamer" } }, await Fixture.AdminTokenAsync()))
        {
            Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        }
        // Roles travel in the access token, so the streamer role needs a fresh one; a refresh is enough.
        using var refreshed = await PostAsync(Client, "/api/auth/refresh", new { refreshToken = viewerTokens.RefreshToken });
        var streamerTokens = (await refreshed.Content.ReadFromJsonAsync<TokenDto>())!;

        var first = await CreateStreamKeyAsync(streamerTokens.AccessToken);
        var second = await CreateStreamKeyAsync(streamerTokens.AccessToken);
        Assert.StartsWith("sk_", first.StreamKey, StringComparison.Ordinal);
        Assert.NotEqual(first.StreamKey, second.StreamKey);

        var validator = Fixture.App.Get<IStreamKeyValidator>();
        var owner = await validator.ValidateStreamKeyAsync(user.Username.ToLowerInvariant(), second.StreamKey, CancellationToken.None);
        Assert.NotNull(owner);
        Assert.Equal(user.Id, owner.Id);
        Assert.Equal(user.Username, owner.Username);
        Assert.Null(owner.ExpiresAt);
        Assert.Null(await validator.ValidateStreamKeyAsync(user.Username, first.StreamKey, CancellationToken.None));
        Assert.Null(await validator.ValidateStreamKeyAsync(IdentityAppFixture.AdminUsername, second.StreamKey, CancellationToken.None));
        Assert.Null(await validator.ValidateStreamKeyAsync(NewUsername("ghost"), second.StreamKey, CancellationToken.None));
    }

    private async Task<StreamKeyDto> CreateStreamKeyAsync(string accessToken)
    {
        using var response = await PostAsync(Client, "/api/me/stream-key", token: accessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<StreamKeyDto>())!;
    }
}

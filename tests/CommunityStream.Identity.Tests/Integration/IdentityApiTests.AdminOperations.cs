using System.Net;
using CommunityStream.Identity.Accounts;
using CommunityStream.Identity.Contracts;
using static CommunityStream.Identity.Tests.Support.ApiClient;

namespace CommunityStream.Identity.Tests.Integration;

/// <summary>The admin API's account operations on each database engine: listing with literal prefixes, and revoking sessions.</summary>
public abstract partial class IdentityApiTests
{
    [SkippableFact]
    public async Task Should_list_accounts_by_literal_prefix_and_role_in_pages()
    {
        SkipIfUnavailable();
        var administration = Fixture.App.Get<AccountAdministration>();
        var stem = "l" + Guid.NewGuid().ToString("N")[..8];
        var first = await RegisterAsync(Client, stem + "_a");
        var second = await RegisterAsync(Client, stem + "_b");
        await RegisterAsync(Client, stem + "xc");
        await administration.SetRolesAsync(second.Id, [Roles.Streamer], CancellationToken.None);

        var (page, total) = await administration.ListAsync(null, stem.ToUpperInvariant() + "_", 10, 0, CancellationToken.None);
        Assert.Equal(2, total);
        Assert.Equal([first.Id, second.Id], page.Select(u => u.Id));
        var (streamers, _) = await administration.ListAsync(Roles.Streamer, stem, 10, 0, CancellationToken.None);
        Assert.Equal(second.Id, Assert.Single(streamers).Id);
        // Pages of one walk the same order as one page of all (the order itself is the engine's collation).
        var (all, allTotal) = await administration.ListAsync(null, stem, 10, 0, CancellationToken.None);
        Assert.Equal(3, allTotal);
        for (var offset = 0; offset < 3; offset++)
        {
            var (paged, pagedTotal) = await administration.ListAsync(null, stem, 1, offset, CancellationToken.None);
            Assert.Equal(3, pagedTotal);
            Assert.Equal(all[offset].Id, Assert.Single(paged).Id);
        }
        Assert.Empty((await administration.ListAsync(null, stem + "%", 10, 0, CancellationToken.None)).Page);
    }

    [SkippableFact]
    public async Task Should_refuse_access_tokens_issued_before_a_session_revocation()
    {
        SkipIfUnavailable();
        var (user, tokens) = await RegisterAndLoginAsync(Client, "rev");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);

        var revoked = await Fixture.App.Get<AccountAdministration>().RevokeSessionsAsync(user.Id, CancellationToken.None);

        Assert.NotNull(revoked?.SessionsRevokedAt);
        Assert.False(revoked.Disabled);
        using (var me = await SendAsync(Client, HttpMethod.Get, "/api/me", null, tokens.AccessToken))
        {
            await ReadProblemAsync(me, HttpStatusCode.Unauthorized);
        }
        Assert.Null(await Fixture.App.Get<ITokenValidator>().ValidateAccessTokenAsync(tokens.AccessToken, CancellationToken.None));
        using (var refresh = await SendAsync(Client, HttpMethod.Post, "/api/auth/refresh", new { refreshToken = tokens.RefreshToken }))
        {
            await ReadProblemAsync(refresh, HttpStatusCode.Unauthorized);
        }
        Assert.Contains(user.Id, await Fixture.App.Get<IDisabledAccounts>().SessionsRevokedSinceAsync(since, CancellationToken.None));
        Assert.Null(await Fixture.App.Get<AccountAdministration>().RevokeSessionsAsync(Guid.NewGuid(), CancellationToken.None));
    }
}

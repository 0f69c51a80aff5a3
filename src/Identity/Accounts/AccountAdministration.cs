using CommunityStream.Identity.Contracts;
using CommunityStream.Identity.Persistence;
using CommunityStream.Identity.Security;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Identity.Accounts;

/// <summary>Administrator operations: roles, disabling accounts, provisioning the first admin.</summary>
internal sealed class AccountAdministration(
    IdentitySchema schema,
    UserStore users,
    RefreshTokenStore refreshTokens,
    AccountService accounts,
    UserStatusCache statusCache,
    TimeProvider time,
    ILogger<AccountAdministration> logger) : IAccountAdministration
{
    public async Task<AdminProvisioningResult> CreateOrPromoteAdminAsync(string username, string email, string password, CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        var existing = await users.FindByUsernameAsync(username, cancellationToken);
        if (existing is not null)
        {
            await users.SetRolesAsync(existing.Id, NormalizeRoles([.. existing.Roles, Roles.Admin]), cancellationToken);
            await users.SetDisabledAsync(existing.Id, false, time.GetUtcNow(), cancellationToken);
            statusCache.Forget(existing.Id);
            logger.AdminPromoted(existing.Id, existing.Username);
            return new AdminProvisioningResult(AdminProvisioningOutcome.Promoted, existing.Id,
                $"User '{existing.Username}' already existed and now has the admin role; its password was not changed.");
        }

        var result = await accounts.RegisterAsync(username, email, password, [Roles.Viewer, Roles.Admin], cancellationToken);
        if (result.User is { } created)
        {
            logger.AdminCreated(created.Id, created.Username);
            return new AdminProvisioningResult(AdminProvisioningOutcome.Created, created.Id, $"Created admin user '{created.Username}'.");
        }
        var reason = result.Violation is { } violation
            ? $"{violation.Field}: {violation.Message}"
            : $"{result.DuplicateField}: already used by another account.";
        logger.AdminRejected(username, reason);
        return new AdminProvisioningResult(AdminProvisioningOutcome.Rejected, null, $"Admin user not created. {reason}");
    }

    /// <summary>Null when the user does not exist.</summary>
    public async Task<UserRecord?> SetRolesAsync(Guid userId, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        var normalized = NormalizeRoles(roles);
        if (!await users.SetRolesAsync(userId, normalized, cancellationToken))
        {
            return null;
        }
        logger.RolesChanged(userId, string.Join(',', normalized));
        return await users.FindByIdAsync(userId, cancellationToken);
    }

    /// <summary>Disabling also revokes every refresh token, so the account is locked out within one access-token check.</summary>
    public async Task<UserRecord?> SetDisabledAsync(Guid userId, bool disabled, CancellationToken cancellationToken)
    {
        if (!await users.SetDisabledAsync(userId, disabled, time.GetUtcNow(), cancellationToken))
        {
            return null;
        }
        if (disabled)
        {
            await refreshTokens.RevokeAllForUserAsync(userId, time.GetUtcNow(), cancellationToken);
        }
        statusCache.Forget(userId);
        logger.DisabledChanged(userId, disabled);
        return await users.FindByIdAsync(userId, cancellationToken);
    }

    /// <summary>
    /// Ends every session of the account: its refresh tokens are revoked, access tokens issued until now are refused
    /// (the <c>sessions_revoked_at</c> stamp; at once on this node, within the 5 s status cache elsewhere), and every
    /// node's chat sweep closes its sockets. Null when the user does not exist.
    /// </summary>
    public async Task<UserRecord?> RevokeSessionsAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!await users.SetSessionsRevokedAsync(userId, now, cancellationToken))
        {
            return null;
        }
        var revoked = await refreshTokens.RevokeAllForUserAsync(userId, now, cancellationToken);
        statusCache.Forget(userId);
        logger.SessionsRevoked(userId, revoked);
        return await users.FindByIdAsync(userId, cancellationToken);
    }

    /// <summary>A page of accounts (see <see cref="UserStore.ListAsync"/>).</summary>
    public Task<(IReadOnlyList<UserRecord> Page, long Total)> ListAsync(string? role, string? prefix, int limit, int offset, CancellationToken cancellationToken) =>
        users.ListAsync(role, prefix, limit, offset, cancellationToken);

    /// <summary>The account with this id, or else with this username; null when neither exists.</summary>
    public async Task<UserRecord?> FindAsync(string idOrUsername, CancellationToken cancellationToken) =>
        Guid.TryParse(idOrUsername, out var id)
            ? await users.FindByIdAsync(id, cancellationToken)
            : idOrUsername.Contains('@', StringComparison.Ordinal) || string.IsNullOrWhiteSpace(idOrUsername)
                ? null
                : await users.FindByUsernameAsync(idOrUsername, cancellationToken);

    /// <summary>Known roles in canonical spelling and order; viewer is always kept.</summary>
    public static IReadOnlyList<string> NormalizeRoles(IEnumerable<string> roles)
    {
        var wanted = new HashSet<string>(roles, StringComparer.OrdinalIgnoreCase) { Roles.Viewer };
        return Roles.All.Where(wanted.Contains).ToArray();
    }
}

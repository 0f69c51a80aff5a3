using CommunityStream.BuildingBlocks.Integration;
using CommunityStream.Identity.Persistence;
using CommunityStream.Identity.Security;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Identity.Accounts;

/// <summary>What a signed-in user does to their own account: change the password, delete the account, export its data.</summary>
internal sealed class OwnAccountService(
    UserStore users,
    RefreshTokenStore refreshTokens,
    StreamKeyStore streamKeys,
    PasswordHasher passwords,
    AccessTokenService accessTokens,
    LoginThrottle throttle,
    UserStatusCache statusCache,
    DeletedAccountsCache deletedAccounts,
    IEnumerable<IUserChatExport> chatExports,
    TimeProvider time,
    ILogger<OwnAccountService> logger)
{
    // A data export reads every room's journal: one per account and a few per client address per minute, on this node.
    private readonly ExportThrottle _exports = new(time);

    /// <summary>
    /// Checks a re-entered password with the login's throttles: the client's per-IP limit, the lockout of this address
    /// from the account after repeated failures and the account's ceiling, so these endpoints cannot be used to guess a password faster than the login.
    /// </summary>
    public async Task<ReauthenticationResult> ReauthenticateAsync(Guid userId, string? password, string clientAddress, CancellationToken cancellationToken)
    {
        if (throttle.TryAcquireLoginAttempt(clientAddress) is { } ipWait)
        {
            return new ReauthenticationResult(PasswordCheckStatus.Throttled, RetryAfter: ipWait);
        }
        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user is null || user.Disabled)
        {
            return new ReauthenticationResult(PasswordCheckStatus.UnknownUser);
        }
        var accountKey = "user:" + user.Id;
        if (throttle.AccountRetryAfter(accountKey, clientAddress) is { } lockedFor)
        {
            return new ReauthenticationResult(PasswordCheckStatus.Throttled, RetryAfter: lockedFor);
        }
        if (string.IsNullOrEmpty(password) || password.Length > CredentialPolicy.MaximumPasswordLength
            || await passwords.VerifyAsync(password, user.PasswordHash, cancellationToken) == PasswordCheck.Failed)
        {
            throttle.AccountFailed(accountKey, clientAddress);
            logger.LoginFailed(user.Id);
            return new ReauthenticationResult(PasswordCheckStatus.WrongPassword);
        }
        throttle.AccountSucceeded(accountKey, clientAddress);
        return new ReauthenticationResult(PasswordCheckStatus.Succeeded, user);
    }

    /// <summary>
    /// Sets a new password after checking the current one, revokes every refresh-token family except
    /// <paramref name="keepFamily"/> (the login the request came from) and stamps <c>sessions_revoked_at</c>, so other
    /// devices must sign in again and every access token issued until now is refused (at once on this node, within the
    /// status cache's lifetime elsewhere). The caller gets a fresh access token for <paramref name="keepFamily"/>.
    /// </summary>
    public async Task<(ReauthenticationResult Check, PolicyViolation? Violation, IssuedAccessToken? Token)> ChangePasswordAsync(
        Guid userId, string? currentPassword, string? newPassword, Guid? keepFamily, string clientAddress, CancellationToken cancellationToken)
    {
        var check = await ReauthenticateAsync(userId, currentPassword, clientAddress, cancellationToken);
        if (check.Status != PasswordCheckStatus.Succeeded)
        {
            return (check, null, null);
        }
        var user = check.User!;
        if (CredentialPolicy.CheckPassword(newPassword, user.Username) is { } violation)
        {
            return (check, violation with { Field = "newPassword" }, null);
        }
        await users.SetPasswordHashAsync(user.Id, await passwords.HashAsync(newPassword!, cancellationToken), cancellationToken);
        // Millisecond precision, as stored, so the fresh token's iat is judged against the very value other nodes read.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        await users.SetSessionsRevokedAsync(user.Id, now, cancellationToken);
        var revoked = await refreshTokens.RevokeAllForUserExceptAsync(user.Id, keepFamily, now, cancellationToken);
        statusCache.Forget(user.Id);
        logger.PasswordChanged(user.Id, revoked);
        return (check, null, accessTokens.Issue(user.Id, user.Username, user.Roles, keepFamily, now));
    }

    /// <summary>
    /// Deletes the account after checking its password: it is marked deleted and disabled (every node's sweeps close
    /// its chat sockets and end its live stream), its sessions and refresh tokens are revoked and its stream key removed.
    /// </summary>
    public async Task<ReauthenticationResult> DeleteAsync(Guid userId, string? password, string clientAddress, CancellationToken cancellationToken)
    {
        var check = await ReauthenticateAsync(userId, password, clientAddress, cancellationToken);
        if (check.Status != PasswordCheckStatus.Succeeded)
        {
            return check;
        }
        var now = time.GetUtcNow();
        await users.MarkDeletedAsync(userId, now, cancellationToken);
        await refreshTokens.RevokeAllForUserAsync(userId, now, cancellationToken);
        await streamKeys.DeleteAsync(userId, cancellationToken);
        statusCache.Forget(userId);
        deletedAccounts.Add(userId);
        logger.AccountDeleted(userId);
        return check;
    }

    /// <summary>Null when allowed now; otherwise how long until the next export of this account from this address is.</summary>
    public TimeSpan? TryAcquireExport(Guid userId, string clientAddress) => _exports.TryAcquire(userId, clientAddress);

    /// <summary>The account's chat messages from every chat module registered (none in a node without Chat).</summary>
    public async Task<UserChatExport> ExportChatAsync(Guid userId, CancellationToken cancellationToken)
    {
        var messages = new List<ExportedChatMessage>();
        var truncated = false;
        foreach (var source in chatExports)
        {
            var export = await source.ExportAsync(userId, cancellationToken);
            messages.AddRange(export.Messages);
            truncated |= export.Truncated;
        }
        logger.AccountExported(userId, messages.Count);
        return new UserChatExport(messages, truncated);
    }
}

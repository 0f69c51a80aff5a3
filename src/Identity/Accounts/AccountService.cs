using CommunityStream.Identity.Configuration;
using CommunityStream.Identity.Contracts;
using CommunityStream.Identity.Persistence;
using CommunityStream.Identity.Security;
using CommunityStream.Identity.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityStream.Identity.Accounts;

/// <summary>Registration, login, refresh-token rotation and logout.</summary>
internal sealed class AccountService(
    UserStore users,
    RefreshTokenStore refreshTokens,
    PasswordHasher passwords,
    AccessTokenService accessTokens,
    LoginThrottle throttle,
    IdentityMetrics metrics,
    IOptions<IdentityOptions> options,
    TimeProvider time,
    ILogger<AccountService> logger)
{
    public async Task<RegistrationResult> RegisterAsync(string? username, string? email, string? password, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        if (CredentialPolicy.Check(username, email, password) is { } violation)
        {
            return new RegistrationResult(null, violation, null);
        }
        // Cheap pre-checks spare a PBKDF2 run for the common duplicate; the unique index still decides races.
        if (await users.FindByUsernameAsync(username!, cancellationToken) is not null)
        {
            return new RegistrationResult(null, null, "username");
        }
        if (await users.FindByEmailAsync(email!, cancellationToken) is not null)
        {
            return new RegistrationResult(null, null, "email");
        }

        var hash = await passwords.HashAsync(password!, cancellationToken);
        var user = new UserRecord(Guid.CreateVersion7(), username!, email!.Trim(), hash, roles, false, TruncatedNow());
        switch (await users.InsertAsync(user, cancellationToken))
        {
            case InsertUserResult.DuplicateUsername:
                return new RegistrationResult(null, null, "username");
            case InsertUserResult.DuplicateEmail:
                return new RegistrationResult(null, null, "email");
        }
        logger.UserRegistered(user.Id, user.Username);
        return new RegistrationResult(user, null, null);
    }

    public async Task<LoginResult> LoginAsync(string? login, string? password, string clientAddress, CancellationToken cancellationToken)
    {
        var result = await LoginOnceAsync(login, password, clientAddress, cancellationToken);
        switch (result.Status)
        {
            case LoginStatus.Succeeded:
                metrics.LoggedIn();
                break;
            case LoginStatus.InvalidCredentials:
                metrics.LoginFailed("invalid_credentials");
                break;
            case LoginStatus.Throttled:
                metrics.LoginFailed("throttled");
                break;
            case LoginStatus.Disabled:
                metrics.LoginFailed("disabled");
                break;
        }
        return result;
    }

    private async Task<LoginResult> LoginOnceAsync(string? login, string? password, string clientAddress, CancellationToken cancellationToken)
    {
        if (throttle.TryAcquireLoginAttempt(clientAddress) is { } ipWait)
        {
            return new LoginResult(LoginStatus.Throttled, RetryAfter: ipWait);
        }
        if (string.IsNullOrWhiteSpace(login) || string.IsNullOrEmpty(password) || password.Length > CredentialPolicy.MaximumPasswordLength)
        {
            return new LoginResult(LoginStatus.InvalidCredentials);
        }

        var user = await users.FindByLoginAsync(login.Trim(), cancellationToken);
        // Unknown logins are locked out too, keyed by what was typed, so lockouts do not reveal which accounts exist.
        var accountKey = user is null ? "login:" + UserRecord.Normalize(login) : "user:" + user.Id;
        if (throttle.AccountRetryAfter(accountKey, clientAddress) is { } lockedFor)
        {
            return new LoginResult(LoginStatus.Throttled, RetryAfter: lockedFor);
        }

        if (user is null)
        {
            await passwords.VerifyDecoyAsync(password, cancellationToken);
            throttle.AccountFailed(accountKey, clientAddress);
            return new LoginResult(LoginStatus.InvalidCredentials);
        }

        var check = await passwords.VerifyAsync(password, user.PasswordHash, cancellationToken);
        if (check == PasswordCheck.Failed)
        {
            throttle.AccountFailed(accountKey, clientAddress);
            logger.LoginFailed(user.Id);
            return new LoginResult(LoginStatus.InvalidCredentials);
        }
        throttle.AccountSucceeded(accountKey, clientAddress);
        if (user.Disabled)
        {
            logger.DisabledLoginRefused(user.Id);
            return new LoginResult(LoginStatus.Disabled);
        }
        if (check == PasswordCheck.SucceededRehashNeeded)
        {
            await users.SetPasswordHashAsync(user.Id, await passwords.HashAsync(password, cancellationToken), cancellationToken);
        }

        var tokens = await IssueAsync(user.Id, user.Username, user.Roles, Guid.CreateVersion7(), user.SessionsRevokedAt, cancellationToken);
        await users.SetLastLoginAsync(user.Id, time.GetUtcNow(), cancellationToken);
        logger.LoggedIn(user.Id);
        return new LoginResult(LoginStatus.Succeeded, tokens);
    }

    public async Task<RefreshResult> RefreshAsync(string? refreshToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(refreshToken))
        {
            return new RefreshResult(RefreshStatus.Invalid);
        }
        var hash = SecretTokens.Hash(refreshToken);
        var stored = await refreshTokens.FindAsync(hash, cancellationToken);
        var now = time.GetUtcNow();
        if (stored is null || stored.RevokedAt is not null || stored.ExpiresAt <= now)
        {
            return new RefreshResult(RefreshStatus.Invalid);
        }
        if (stored.ConsumedAt is not null || !await refreshTokens.TryConsumeAsync(hash, now, cancellationToken))
        {
            // A used token presented again means it leaked (or a client raced itself): end the whole login.
            await refreshTokens.RevokeFamilyAsync(stored.FamilyId, now, cancellationToken);
            logger.RefreshTokenReused(stored.UserId, stored.FamilyId);
            return new RefreshResult(RefreshStatus.Reused);
        }

        var user = await users.FindByIdAsync(stored.UserId, cancellationToken);
        if (user is null || user.Disabled)
        {
            await refreshTokens.RevokeFamilyAsync(stored.FamilyId, now, cancellationToken);
            return new RefreshResult(RefreshStatus.Disabled);
        }
        return new RefreshResult(RefreshStatus.Succeeded, await IssueAsync(user.Id, user.Username, user.Roles, stored.FamilyId, user.SessionsRevokedAt, cancellationToken));
    }

    /// <summary>Revokes the token's family; unknown or already revoked tokens are fine (idempotent).</summary>
    public async Task LogoutAsync(string? refreshToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(refreshToken))
        {
            return;
        }
        var stored = await refreshTokens.FindAsync(SecretTokens.Hash(refreshToken), cancellationToken);
        if (stored is not null)
        {
            await refreshTokens.RevokeFamilyAsync(stored.FamilyId, time.GetUtcNow(), cancellationToken);
            logger.LoggedOut(stored.UserId);
        }
    }

    private async Task<TokenPair> IssueAsync(Guid userId, string username, IReadOnlyList<string> roles, Guid familyId, DateTimeOffset? revokedAt, CancellationToken cancellationToken)
    {
        var access = accessTokens.Issue(userId, username, roles, familyId, revokedAt);
        var refresh = SecretTokens.NewRefreshToken();
        var now = time.GetUtcNow();
        await refreshTokens.InsertAsync(SecretTokens.Hash(refresh), userId, familyId, now, now.AddDays(options.Value.RefreshTokenDays), cancellationToken);
        return new TokenPair(access.Token, refresh, access.ExpiresInSeconds, userId, username, roles, familyId);
    }

    /// <summary>Millisecond precision, as stored, so the registration response equals later reads.</summary>
    private DateTimeOffset TruncatedNow() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    internal static IReadOnlyList<string> DefaultRoles { get; } = [Roles.Viewer];
}

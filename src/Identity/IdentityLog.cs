using Microsoft.Extensions.Logging;

namespace CommunityStream.Identity;

/// <summary>
/// Every log line of the module, source-generated (no boxing, no work when the level is off). None takes a
/// password, token, key or hash; usernames and ids are fine.
/// </summary>
internal static partial class IdentityLog
{
    [LoggerMessage(1001, LogLevel.Information, "Identity schema migrated to version {SchemaVersion}")]
    public static partial void SchemaMigrated(this ILogger logger, int schemaVersion);

    [LoggerMessage(1002, LogLevel.Information, "Identity signs access tokens with the configured key")]
    public static partial void SigningKeyFromConfiguration(this ILogger logger);

    [LoggerMessage(1003, LogLevel.Information, "Identity generated a new signing key file at {KeyPath}")]
    public static partial void SigningKeyGenerated(this ILogger logger, string keyPath);

    [LoggerMessage(1004, LogLevel.Information, "Identity reuses the signing key file at {KeyPath}")]
    public static partial void SigningKeyReused(this ILogger logger, string keyPath);

    [LoggerMessage(1005, LogLevel.Information, "Configured administrator: {Outcome}")]
    public static partial void AdminProvisioned(this ILogger logger, Contracts.AdminProvisioningOutcome outcome);

    [LoggerMessage(1101, LogLevel.Information, "Registered user {UserId} ({Username})")]
    public static partial void UserRegistered(this ILogger logger, Guid userId, string username);

    [LoggerMessage(1102, LogLevel.Warning, "Login attempts from {ClientAddress} throttled")]
    public static partial void ClientThrottled(this ILogger logger, string clientAddress);

    [LoggerMessage(1103, LogLevel.Information, "Failed login for user {UserId}")]
    public static partial void LoginFailed(this ILogger logger, Guid userId);

    [LoggerMessage(1104, LogLevel.Information, "Refused login of disabled user {UserId}")]
    public static partial void DisabledLoginRefused(this ILogger logger, Guid userId);

    [LoggerMessage(1105, LogLevel.Information, "User {UserId} logged in")]
    public static partial void LoggedIn(this ILogger logger, Guid userId);

    [LoggerMessage(1106, LogLevel.Warning, "Refresh token reuse for user {UserId}; revoked token family {FamilyId}")]
    public static partial void RefreshTokenReused(this ILogger logger, Guid userId, Guid familyId);

    [LoggerMessage(1107, LogLevel.Information, "User {UserId} logged out")]
    public static partial void LoggedOut(this ILogger logger, Guid userId);

    [LoggerMessage(1108, LogLevel.Warning, "Login from {ClientAddress} locked out of an account for {LockoutSeconds} s after repeated failures")]
    public static partial void AccountLocked(this ILogger logger, string clientAddress, int lockoutSeconds);

    [LoggerMessage(1114, LogLevel.Warning, "Logins of an account refused for {RefusedSeconds} s: its failures from all addresses reached the ceiling")]
    public static partial void AccountCeilingReached(this ILogger logger, int refusedSeconds);

    [LoggerMessage(1115, LogLevel.Warning, "{Suppressed} more throttled or locked logins in the last {WindowSeconds} s were not logged one by one")]
    public static partial void ThrottledLoginLinesSuppressed(this ILogger logger, long suppressed, int windowSeconds);

    [LoggerMessage(1201, LogLevel.Information, "Promoted user {UserId} ({Username}) to admin")]
    public static partial void AdminPromoted(this ILogger logger, Guid userId, string username);

    [LoggerMessage(1202, LogLevel.Information, "Created admin user {UserId} ({Username})")]
    public static partial void AdminCreated(this ILogger logger, Guid userId, string username);

    [LoggerMessage(1203, LogLevel.Warning, "Could not create admin user {Username}: {Reason}")]
    public static partial void AdminRejected(this ILogger logger, string username, string reason);

    [LoggerMessage(1204, LogLevel.Information, "Roles of user {UserId} set to {Roles}")]
    public static partial void RolesChanged(this ILogger logger, Guid userId, string roles);

    [LoggerMessage(1205, LogLevel.Information, "User {UserId} disabled: {Disabled}")]
    public static partial void DisabledChanged(this ILogger logger, Guid userId, bool disabled);

    [LoggerMessage(1206, LogLevel.Information, "Sessions of user {UserId} revoked ({RefreshTokens} refresh tokens)")]
    public static partial void SessionsRevoked(this ILogger logger, Guid userId, int refreshTokens);

    [LoggerMessage(1207, LogLevel.Information, "Admin {By}: {Action} user {Target}")]
    public static partial void AdminAction(this ILogger logger, string by, string action, string target);

    [LoggerMessage(1301, LogLevel.Information, "Stream key rotated for user {UserId}")]
    public static partial void StreamKeyRotated(this ILogger logger, Guid userId);

    [LoggerMessage(1109, LogLevel.Information, "User {UserId} changed their password ({RefreshTokens} other refresh tokens revoked)")]
    public static partial void PasswordChanged(this ILogger logger, Guid userId, int refreshTokens);

    [LoggerMessage(1110, LogLevel.Information, "User {UserId} deleted their account")]
    public static partial void AccountDeleted(this ILogger logger, Guid userId);

    [LoggerMessage(1111, LogLevel.Information, "User {UserId} exported their data ({ChatMessages} chat messages)")]
    public static partial void AccountExported(this ILogger logger, Guid userId, int chatMessages);

    [LoggerMessage(1112, LogLevel.Information, "Freed the usernames and emails of {Accounts} deleted accounts")]
    public static partial void DeletedAccountNamesFreed(this ILogger logger, int accounts);

    [LoggerMessage(1113, LogLevel.Warning, "Polling deleted accounts failed")]
    public static partial void DeletedAccountPollFailed(this ILogger logger, Exception exception);
}

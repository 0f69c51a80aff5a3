using CommunityStream.Identity.Persistence;
using CommunityStream.Identity.Security;

namespace CommunityStream.Identity.Accounts;

/// <summary>An access token and the refresh token that renews it, for the user and login (<paramref name="FamilyId"/>) they belong to.</summary>
internal sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresInSeconds, Guid UserId, string Username, IReadOnlyList<string> Roles, Guid FamilyId);

/// <summary>Exactly one of the members is set.</summary>
internal sealed record RegistrationResult(UserRecord? User, PolicyViolation? Violation, string? DuplicateField);

internal enum LoginStatus
{
    Succeeded,
    InvalidCredentials,
    Disabled,
    Throttled,
}

internal sealed record LoginResult(LoginStatus Status, TokenPair? Tokens = null, TimeSpan? RetryAfter = null);

internal enum RefreshStatus
{
    Succeeded,
    Invalid,
    Reused,
    Disabled,
}

internal sealed record RefreshResult(RefreshStatus Status, TokenPair? Tokens = null);

internal enum PasswordCheckStatus
{
    Succeeded,
    WrongPassword,
    Throttled,
    UnknownUser,
}

/// <summary>The outcome of re-entering the password for a sensitive change (password change, account deletion).</summary>
internal sealed record ReauthenticationResult(PasswordCheckStatus Status, UserRecord? User = null, TimeSpan? RetryAfter = null);

using CommunityStream.Identity.Persistence;
using CommunityStream.Identity.Security;

namespace CommunityStream.Identity.Accounts;

/// <summary>An access token and the refresh token that renews it.</summary>
internal sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresInSeconds);

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

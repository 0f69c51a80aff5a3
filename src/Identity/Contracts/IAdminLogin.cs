namespace CommunityStream.Identity.Contracts;

/// <summary>
/// Logs an administrator in for the admin API (<c>POST /admin/v1/login</c>): the same credential checks, throttling
/// and lockout as <c>/api/auth/login</c>, but only accounts with the admin role get a token, and no refresh token is
/// handed out (an admin session on a CLI logs in again when it expires).
/// </summary>
public interface IAdminLogin
{
    /// <summary>Checks the credentials of a login from <paramref name="clientAddress"/>.</summary>
    Task<AdminLoginResult> LoginAsync(string? login, string? password, string clientAddress, CancellationToken cancellationToken);
}

/// <summary>How an admin login ended.</summary>
public enum AdminLoginStatus
{
    /// <summary>An admin; <see cref="AdminLoginResult.AccessToken"/> is set.</summary>
    Succeeded,

    /// <summary>Unknown login or wrong password.</summary>
    InvalidCredentials,

    /// <summary>Right credentials, but the account lacks the admin role.</summary>
    NotAdmin,

    /// <summary>The account is disabled.</summary>
    Disabled,

    /// <summary>Too many attempts; retry after <see cref="AdminLoginResult.RetryAfter"/>.</summary>
    Throttled,
}

/// <summary>The outcome of <see cref="IAdminLogin.LoginAsync"/>.</summary>
public sealed record AdminLoginResult(
    AdminLoginStatus Status,
    string? AccessToken = null,
    int ExpiresInSeconds = 0,
    string? Username = null,
    TimeSpan? RetryAfter = null);

using CommunityStream.Identity.Persistence;

namespace CommunityStream.Identity.Http;

internal sealed record RegisterRequest(string? Username, string? Email, string? Password);

/// <summary><paramref name="Session"/>: "json" (default) or "cookie" for the browser form.</summary>
internal sealed record LoginRequest(string? Login, string? Password, string? Session = null);

internal sealed record RefreshRequest(string? RefreshToken);

internal sealed record SetRolesRequest(IReadOnlyList<string>? Roles);

internal sealed record UserResponse(Guid Id, string Username, string Email, IReadOnlyList<string> Roles, bool Disabled, DateTimeOffset CreatedAt)
{
    public static UserResponse From(UserRecord user) => new(user.Id, user.Username, user.Email, user.Roles, user.Disabled, user.CreatedAt);
}

internal sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");

internal sealed record StreamKeyResponse(string StreamKey, DateTimeOffset CreatedAt);

/// <summary>The answer of a cookie login or refresh: the refresh token is in the <c>cs_refresh</c> cookie, not here.</summary>
internal sealed record CookieTokenResponse(string AccessToken, int ExpiresIn, SessionUser User, string TokenType = "Bearer");

/// <summary>Who a browser session belongs to.</summary>
internal sealed record SessionUser(Guid Id, string Username, IReadOnlyList<string> Roles);

internal sealed record StreamKeyMetadataResponse(bool Exists, DateTimeOffset? CreatedAt);

internal sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>
/// The answer of a password change: a fresh access token for the caller's login, since the change refuses every access
/// token issued before it (the caller's refresh token or cookie stays valid).
/// </summary>
internal sealed record PasswordChangedResponse(string AccessToken, int ExpiresIn, string TokenType = "Bearer");

internal sealed record DeleteAccountRequest(string? Password);

/// <summary>The body of <c>GET /api/me/export</c>.</summary>
internal sealed record AccountExportResponse(
    DateTimeOffset ExportedAt,
    ExportedAccount Account,
    StreamKeyMetadataResponse StreamKey,
    IReadOnlyList<ExportedChatMessageResponse> ChatMessages,
    bool ChatMessagesTruncated);

internal sealed record ExportedAccount(Guid Id, string Username, string Email, DateTimeOffset CreatedAt, DateTimeOffset? LastLoginAt, IReadOnlyList<string> Roles);

internal sealed record ExportedChatMessageResponse(string Room, long Offset, Guid Id, string Text, DateTimeOffset Time);

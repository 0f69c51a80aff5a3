using CommunityStream.Identity.Persistence;

namespace CommunityStream.Identity.Http;

internal sealed record RegisterRequest(string? Username, string? Email, string? Password);

internal sealed record LoginRequest(string? Login, string? Password);

internal sealed record RefreshRequest(string? RefreshToken);

internal sealed record SetRolesRequest(IReadOnlyList<string>? Roles);

internal sealed record UserResponse(Guid Id, string Username, string Email, IReadOnlyList<string> Roles, bool Disabled, DateTimeOffset CreatedAt)
{
    public static UserResponse From(UserRecord user) => new(user.Id, user.Username, user.Email, user.Roles, user.Disabled, user.CreatedAt);
}

internal sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");

internal sealed record StreamKeyResponse(string StreamKey, DateTimeOffset CreatedAt);

using CommunityStream.Identity.Contracts;

namespace CommunityStream.Identity.Persistence;

/// <summary>A row of <c>identity_users</c>.</summary>
internal sealed record UserRecord(
    Guid Id,
    string Username,
    string Email,
    string PasswordHash,
    IReadOnlyList<string> Roles,
    bool Disabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastLoginAt = null,
    DateTimeOffset? SessionsRevokedAt = null,
    DateTimeOffset? DeletedAt = null)
{
    public bool Deleted => DeletedAt is not null;

    public UserSummary ToSummary() => new(Id, Username, Roles, Disabled);

    public static string Normalize(string value) => value.Trim().ToUpperInvariant();

    public static string JoinRoles(IEnumerable<string> roles) => string.Join(',', roles);

    public static IReadOnlyList<string> SplitRoles(string roles) =>
        roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

namespace CommunityStream.Identity.Contracts;

/// <summary>A caller whose access token or stream key was accepted.</summary>
/// <param name="Id">The user's id (the token's <c>sub</c>).</param>
/// <param name="Username">The user's display name as registered (the token's <c>name</c>).</param>
/// <param name="Roles">The roles granted; see <see cref="Roles"/>.</param>
/// <param name="ExpiresAt">When the presented credential expires; <see langword="null"/> for stream keys, which do not.</param>
public sealed record AuthenticatedUser(Guid Id, string Username, IReadOnlyList<string> Roles, DateTimeOffset? ExpiresAt)
{
    /// <summary>True when the user holds <paramref name="role"/> (roles compare case-insensitively).</summary>
    public bool IsInRole(string role) => Roles.Contains(role, StringComparer.OrdinalIgnoreCase);
}

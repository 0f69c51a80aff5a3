namespace CommunityStream.Identity.Contracts;

/// <summary>What other modules may know about an account.</summary>
/// <param name="Id">The user's id.</param>
/// <param name="Username">The user's name as registered (original casing).</param>
/// <param name="Roles">The roles granted; see <see cref="Roles"/>.</param>
/// <param name="Disabled">True when an administrator disabled the account.</param>
public sealed record UserSummary(Guid Id, string Username, IReadOnlyList<string> Roles, bool Disabled);

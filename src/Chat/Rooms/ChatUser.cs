namespace CommunityStream.Chat.Rooms;

/// <summary>The account behind a command, as the gateway authenticated it (anonymous callers send none).</summary>
/// <param name="Id">The account id.</param>
/// <param name="Name">The username as registered.</param>
/// <param name="IsAdmin">Holds the admin role: may moderate and configure every room.</param>
/// <param name="IsSiteModerator">Holds the site-wide moderator role: moderates every room.</param>
public sealed record ChatUser(Guid Id, string Name, bool IsAdmin, bool IsSiteModerator)
{
    /// <summary>The name rooms key bans, timeouts and moderators by (usernames are unique case-insensitively).</summary>
    public string Key => Name.ToLowerInvariant();
}

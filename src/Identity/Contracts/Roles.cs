namespace CommunityStream.Identity.Contracts;

/// <summary>The roles an account can hold. Every account keeps <see cref="Viewer"/>.</summary>
public static class Roles
{
    /// <summary>Watches and chats; granted on registration.</summary>
    public const string Viewer = "viewer";

    /// <summary>May own a channel and publish video with a stream key.</summary>
    public const string Streamer = "streamer";

    /// <summary>May moderate chat.</summary>
    public const string Moderator = "moderator";

    /// <summary>May manage accounts and roles.</summary>
    public const string Admin = "admin";

    /// <summary>All known roles, in canonical order.</summary>
    public static IReadOnlyList<string> All { get; } = [Viewer, Streamer, Moderator, Admin];

    /// <summary>True for a known role name (case-insensitive).</summary>
    public static bool IsKnown(string role) => All.Contains(role, StringComparer.OrdinalIgnoreCase);
}

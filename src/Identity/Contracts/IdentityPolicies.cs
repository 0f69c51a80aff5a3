namespace CommunityStream.Identity.Contracts;

/// <summary>Authorization policy names registered by the Identity module, for <c>RequireAuthorization(...)</c>.</summary>
public static class IdentityPolicies
{
    /// <summary>Requires the <see cref="Roles.Admin"/> role.</summary>
    public const string Admin = "identity:admin";

    /// <summary>Requires <see cref="Roles.Streamer"/> or <see cref="Roles.Admin"/>.</summary>
    public const string Streamer = "identity:streamer";

    /// <summary>Requires <see cref="Roles.Moderator"/> or <see cref="Roles.Admin"/>.</summary>
    public const string Moderator = "identity:moderator";
}

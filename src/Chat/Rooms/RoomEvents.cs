namespace CommunityStream.Chat.Rooms;

/// <summary>Something that happened to a room; persisted in the journal under <c>room-{id}</c>.</summary>
public interface IRoomEvent;

/// <summary>A persisted moderation action, broadcast to members as <c>mod_event</c>.</summary>
public interface IModerationEvent : IRoomEvent
{
    /// <summary>Who did it (username).</summary>
    string By { get; }

    /// <summary>When.</summary>
    DateTimeOffset Time { get; }
}

/// <summary>The events of a room, past tense.</summary>
public static class RoomEvents
{
    /// <summary>The room came into existence; <paramref name="OwnerId"/> is null for an admin's standalone room.</summary>
    public sealed record RoomCreated(string Epoch, Guid? OwnerId, string? OwnerName, bool AnonymousRead, int Retention, DateTimeOffset Time) : IRoomEvent;

    /// <summary>A message was accepted at its offset.</summary>
    public sealed record MessagePosted(ChatMessage Message, string? ClientId) : IRoomEvent;

    public sealed record MessageDeleted(long Offset, string By, DateTimeOffset Time) : IModerationEvent;

    public sealed record UserTimedOut(string User, int Seconds, DateTimeOffset Until, string By, DateTimeOffset Time) : IModerationEvent;

    public sealed record UserBanned(string User, string By, DateTimeOffset Time) : IModerationEvent;

    public sealed record UserUnbanned(string User, string By, DateTimeOffset Time) : IModerationEvent;

    /// <summary>Every message up to <paramref name="ThroughOffset"/> is hidden.</summary>
    public sealed record ChatCleared(long ThroughOffset, string By, DateTimeOffset Time) : IModerationEvent;

    public sealed record SlowModeChanged(int Seconds, string By, DateTimeOffset Time) : IModerationEvent;

    public sealed record MembersOnlyChanged(bool Enabled, string By, DateTimeOffset Time) : IModerationEvent;

    public sealed record EmoteOnlyChanged(bool Enabled, string By, DateTimeOffset Time) : IModerationEvent;

    public sealed record ModeratorAdded(string User, string By, DateTimeOffset Time) : IModerationEvent;

    public sealed record ModeratorRemoved(string User, string By, DateTimeOffset Time) : IModerationEvent;

    public sealed record SettingsChanged(bool AnonymousRead, int HistoryRetention, string By, DateTimeOffset Time) : IModerationEvent;

    /// <summary>An administrator closed the room: members are sent away, joins and posts refused until it reopens.</summary>
    public sealed record RoomClosed(string Reason, string By, DateTimeOffset Time) : IModerationEvent;

    /// <summary>
    /// A deleted account's name (<paramref name="User"/>, lowercased) is no longer a moderator, banned or timed out here,
    /// and the room no longer has that account as owner; written by Chat's deleted-account sweep (<paramref name="By"/>
    /// is <c>system</c>) before Identity frees the name, so whoever registers the name later inherits nothing.
    /// </summary>
    public sealed record AccountForgotten(string User, Guid UserId, string By, DateTimeOffset Time) : IRoomEvent;

    /// <summary>
    /// A channel room whose owner's account was deleted found a new holder of its name who may own it (a streamer or
    /// an admin) and made that account the owner.
    /// </summary>
    public sealed record OwnerAssigned(Guid OwnerId, string OwnerName, DateTimeOffset Time) : IRoomEvent;

    /// <summary>An administrator reopened a closed room.</summary>
    public sealed record RoomReopened(string By, DateTimeOffset Time) : IModerationEvent;
}

namespace CommunityStream.Chat.Rooms;

/// <summary>What a room answers. All of them cross the cluster.</summary>
public static class RoomReplies
{
    /// <summary>The message is durable at <paramref name="Offset"/>; <paramref name="Duplicate"/> when a resend matched a client id.</summary>
    public sealed record Acked(RoomId Room, string? ClientId, long Offset, bool Duplicate);

    /// <summary>The command was refused with a protocol error code (see docs/chat-protocol.md).</summary>
    public sealed record Rejected(string Code, string Message, long? RetryAfterMs = null);

    /// <summary>A successful join: history (or the recovered range), the latest offset and the room's settings.</summary>
    public sealed record Joined(RoomId Room, string Epoch, long Offset, bool Recovered, ChatMessage[] Messages, int PresenceCount, RoomSettings Settings);

    /// <summary>A moderation action is durable and has been broadcast.</summary>
    public sealed record Moderated(RoomId Room, string Action);

    /// <summary>A page of visible messages, oldest first.</summary>
    public sealed record Messages(RoomId Room, string Epoch, long Latest, ChatMessage[] Items);

    /// <summary>The room's public description; <paramref name="Moderators"/> are usernames, sorted.</summary>
    public sealed record Info(RoomId Room, string Epoch, long Latest, int PresenceCount, RoomSettings Settings, string? Owner, string[] Moderators);

    /// <summary>
    /// A room as administrators see it: offsets (latest, oldest retained, retained count), owner, settings, why it is
    /// closed (null when open), moderators, bans, running timeouts, and members present per node.
    /// </summary>
    public sealed record AdminView(
        RoomId Room,
        string Epoch,
        long Latest,
        long FirstRetained,
        int Retained,
        string? Owner,
        RoomSettings Settings,
        string? ClosedReason,
        string[] Moderators,
        string[] Banned,
        UserTimeout[] Timeouts,
        int PresenceCount,
        NodePresence[] PresenceByNode);
}

/// <summary>A running timeout in <see cref="RoomReplies.AdminView"/>.</summary>
public sealed record UserTimeout(string User, DateTimeOffset Until);

/// <summary>Members one node has in a room (local sockets joined to it).</summary>
public sealed record NodePresence(string Node, int Count);

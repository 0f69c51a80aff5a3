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

    /// <summary>The room's public description.</summary>
    public sealed record Info(RoomId Room, string Epoch, long Latest, int PresenceCount, RoomSettings Settings, string? Owner);
}

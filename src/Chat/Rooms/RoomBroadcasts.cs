namespace CommunityStream.Chat.Rooms;

/// <summary>Published once per event to the room's DistributedPubSub topic; each node fans it out locally.</summary>
public interface IRoomBroadcast : IWithRoomId;

/// <summary>The broadcasts of a room.</summary>
public static class RoomBroadcasts
{
    /// <summary>
    /// A new message (offset order is the room's order). <paramref name="PublishedAt"/> is when the room published it
    /// (UTC ticks; 0 when unknown), for the stage histograms.
    /// </summary>
    public sealed record MessageBroadcast(RoomId Room, string Epoch, ChatMessage Message, long PublishedAt = 0) : IRoomBroadcast;

    /// <summary>A moderation action; <see cref="Event"/> is the persisted event.</summary>
    public sealed record ModerationBroadcast(RoomId Room, IModerationEvent Event) : IRoomBroadcast;

    /// <summary>The cluster-wide viewer count, and the member list for small rooms.</summary>
    public sealed record PresenceBroadcast(RoomId Room, int Count, string[]? Members) : IRoomBroadcast;
}

using Akka.Actor;
using CommunityStream.Chat.Rooms;

namespace CommunityStream.Chat.Delivery;

/// <summary>
/// The <c>IRequiredActor</c> key of this node's room subscriptions (the fan-out's <c>LocalRoomsActor</c>): where a
/// connection sends <see cref="LocalRoomMessages"/>.
/// </summary>
public sealed class LocalRoomsMarker;

/// <summary>
/// Local-only messages from a connection to the node's room subscriptions: the seam between the gateway, which owns
/// a connection's <see cref="ConnectionOutbox"/>, and the fan-out, which delivers rooms to it.
/// </summary>
internal static class LocalRoomMessages
{
    /// <summary>Start fanning the room out to <paramref name="Outbox"/>; replied with <see cref="Attached"/> once subscribed.</summary>
    public sealed record Attach(RoomId Room, ConnectionOutbox Outbox) : INoSerializationVerificationNeeded;

    /// <summary>Stop fanning the room out to <paramref name="Outbox"/>; what was already queued to it still goes out.</summary>
    public sealed record Detach(RoomId Room, ConnectionOutbox Outbox) : INoSerializationVerificationNeeded;

    /// <summary>A join saw the room at <paramref name="Offset"/>: the subscriber fills any gap up to it.</summary>
    public sealed record Seen(RoomId Room, long Offset) : INoSerializationVerificationNeeded;

    public sealed class Attached : INoSerializationVerificationNeeded
    {
        public static readonly Attached Instance = new();
    }
}

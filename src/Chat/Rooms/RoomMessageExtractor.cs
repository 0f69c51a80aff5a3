using Akka.Cluster.Sharding;

namespace CommunityStream.Chat.Rooms;

/// <summary>Routes <see cref="IWithRoomId"/> messages to the room's entity; rooms spread over a fixed number of shards.</summary>
internal sealed class RoomMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => (message as IWithRoomId)?.Room.Value;
}

/// <summary>The <c>IRequiredActor</c> key of the room shard region.</summary>
public sealed class RoomRegionMarker;

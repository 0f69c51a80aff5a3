using CommunityStream.Chat.Rooms;
using CommunityStream.Chat.Tests.Support;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>The Host's ActorSystem writes room events with <see cref="RoomEventSerializer"/> (ChatModule's binding).</summary>
[Collection(SharedChatNode.Name)]
public sealed class NodeSerializationTests(ChatNodeFixture fixture)
{
    [Theory]
    [InlineData(typeof(RoomEvents.MessagePosted))]
    [InlineData(typeof(RoomEvents.UserBanned))]
    [InlineData(typeof(RoomEvents.RoomCreated))]
    public void Should_bind_room_events_to_the_room_event_serializer(Type eventType) =>
        Assert.IsType<RoomEventSerializer>(fixture.Node.System.Serialization.FindSerializerForType(eventType));
}

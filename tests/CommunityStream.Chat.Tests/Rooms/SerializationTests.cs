using Akka.Actor;
using Akka.Configuration;
using CommunityStream.Chat.Rooms;
using static CommunityStream.Chat.Rooms.RoomEvents;

namespace CommunityStream.Chat.Tests.Rooms;

/// <summary>
/// Everything that crosses nodes or is written to the journal survives Akka's serializer (the one the SQL
/// journal and remoting use for these types) unchanged.
/// </summary>
public sealed class SerializationTests : IDisposable
{
    private static readonly RoomId Room = new("alice");
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 5, 0, 0, TimeSpan.FromHours(1));
    private static readonly ChatUser User = new(Guid.NewGuid(), "bob", false, true);
    private static readonly ChatMessage Message = new(42, Guid.NewGuid(), User.Id, "bob", "hi 😀 \"quoted\"\n", Now);
    private static readonly RoomSettings Settings = new(5, true, false, true, 1000);
    private readonly ActorSystem _system = ActorSystem.Create("serialization", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));

    public static TheoryData<object> CrossingMessages() =>
    [
        new RoomCommands.Post(Room, User, "hello", "m-1"),
        new RoomCommands.Post(Room, null, "hello", null),
        new RoomCommands.Join(Room, User, 50, new RecoverPosition("e-1", 7)),
        new RoomCommands.Moderate(Room, User, new ModerationRequest("settings", AnonymousRead: false, HistoryRetention: 10)),
        new RoomCommands.GetMessages(Room, null, 0, 99, 50),
        new RoomCommands.FetchRange(Room, 3, long.MaxValue),
        new RoomCommands.GetInfo(Room, User),
        new RoomCommands.GetAuthorMessages(Room, Guid.NewGuid(), 41, 200),
        new RoomCommands.Create(Room, User, true),
        new RoomCommands.ReportPresence(Room, "akka.tcp://cs@127.0.0.1:4053", 3, ["bob", "carol"]),
        new RoomReplies.Acked(Room, "m-1", 42, true),
        new RoomReplies.Rejected("slow_mode", "wait", 1200),
        new RoomReplies.Joined(Room, "e-1", 42, true, [Message], 5, Settings),
        new RoomReplies.Moderated(Room, "ban"),
        new RoomReplies.Messages(Room, "e-1", 42, [Message]),
        new RoomReplies.Info(Room, "e-1", 42, 5, Settings, "Alice", ["bob", "carol"]),
        new RoomBroadcasts.MessageBroadcast(Room, "e-1", Message),
        new RoomBroadcasts.MessageBroadcast(Room, "e-1", Message, Now.UtcTicks),
        new RoomCommands.Post(Room, User, "hi", "c-1", Now.UtcTicks),
        new RoomBroadcasts.ModerationBroadcast(Room, new UserTimedOut("carol", 60, Now.AddSeconds(60), "alice", Now)),
        new RoomBroadcasts.PresenceBroadcast(Room, 5, null),
        new RoomCommands.GetAdminView(Room),
        new RoomCommands.Moderate(Room, User, new ModerationRequest("close", Reason: "maintenance")),
        new RoomReplies.AdminView(Room, "e-1", 42, 3, 40, "Alice", Settings, "maintenance", ["mod"], ["carol"],
            [new UserTimeout("eve", Now.AddSeconds(60))], 5, [new NodePresence("akka.tcp://cs@127.0.0.1:4053", 5)]),
        new RoomBroadcasts.ModerationBroadcast(Room, new RoomClosed("maintenance", "root", Now)),
        new RoomCommands.ForgetAccounts(Room, [new ForgottenAccount(Guid.NewGuid(), "Mod")]),
        new Fanout.LocalRoomsQuery(),
        new Fanout.LocalRoomsReport("akka.tcp://cs@127.0.0.1:4053", [new Fanout.LocalRoomMembers("alice", 3)]),
    ];

    public static TheoryData<object> PersistedEvents() =>
    [
        new RoomCreated("e-1", Guid.NewGuid(), "Alice", true, 1000, Now),
        new RoomCreated("e-2", null, null, false, 1000, Now),
        new MessagePosted(Message, "m-1"),
        new MessageDeleted(42, "alice", Now),
        new UserTimedOut("carol", 60, Now.AddSeconds(60), "alice", Now),
        new UserBanned("carol", "alice", Now),
        new UserUnbanned("carol", "alice", Now),
        new ChatCleared(42, "alice", Now),
        new SlowModeChanged(10, "alice", Now),
        new MembersOnlyChanged(true, "alice", Now),
        new EmoteOnlyChanged(false, "alice", Now),
        new ModeratorAdded("mod", "alice", Now),
        new ModeratorRemoved("mod", "alice", Now),
        new SettingsChanged(false, 200, "alice", Now),
        new RoomClosed("maintenance", "root", Now),
        new RoomReopened("root", Now),
        new AccountForgotten("mod", Guid.NewGuid(), "system", Now),
        new OwnerAssigned(Guid.NewGuid(), "Alice", Now),
    ];

    [Theory]
    [MemberData(nameof(CrossingMessages))]
    [MemberData(nameof(PersistedEvents))]
    public void Should_round_trip_through_akka_serialization(object message)
    {
        var copy = RoundTrip(message);

        Assert.Equal(message.GetType(), copy.GetType());
        Assert.Equal(Json(message), Json(copy));
    }

    [Fact]
    public void Should_round_trip_a_snapshot()
    {
        var state = RoomState.Empty(RoomLimits.Default)
            .Apply(new RoomCreated("e-1", Guid.NewGuid(), "Alice", true, 1000, Now))
            .Apply(new MessagePosted(Message, "m-1"))
            .Apply(new UserTimedOut("carol", 60, Now.AddSeconds(60), "alice", Now))
            .Apply(new MessageDeleted(42, "alice", Now))
            .Apply(new RoomClosed("maintenance", "root", Now));
        var snapshot = state.ToSnapshot();

        Assert.Equal(Json(snapshot), Json(RoundTrip(snapshot)));
    }

    public void Dispose() => _system.Dispose();

    private object RoundTrip(object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        return serializer.FromBinary(bytes, message.GetType());
    }

    // Records compare arrays by reference; their JSON compares by content.
    private static string Json(object value) => System.Text.Json.JsonSerializer.Serialize(value, value.GetType());
}

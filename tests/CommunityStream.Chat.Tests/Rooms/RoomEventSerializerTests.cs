using Akka.Actor;
using Akka.Configuration;
using CommunityStream.Chat.Rooms;
using CommunityStream.Chat.Tests.Support;
using CommunityStream.Identity.Contracts;
using Microsoft.Extensions.Options;
using static CommunityStream.Chat.Rooms.RoomCommands;
using static CommunityStream.Chat.Rooms.RoomReplies;

namespace CommunityStream.Chat.Tests.Rooms;

/// <summary>
/// Room events go to the journal through <see cref="RoomEventSerializer"/> (generated System.Text.Json), and a room
/// whose older events were written by Akka's default serializer still recovers, then keeps writing.
/// </summary>
public sealed class RoomEventSerializerTests : IDisposable
{
    // The binding ChatModule.WithChatActors registers (WithCustomSerializer), as HOCON for a bare ActorSystem.
    private const string Binding = """
        akka.actor.serializers.room-events = "CommunityStream.Chat.Rooms.RoomEventSerializer, CommunityStream.Chat"
        akka.actor.serialization-bindings { "CommunityStream.Chat.Rooms.IRoomEvent, CommunityStream.Chat" = room-events }
        akka.actor.serialization-identifiers { "CommunityStream.Chat.Rooms.RoomEventSerializer, CommunityStream.Chat" = 1701 }
        """;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly ChatUser Bob = new(Guid.NewGuid(), "bob", false, false);
    private readonly ActorSystem _system = ActorSystem.Create("room-events", ConfigurationFactory.ParseString("akka.loglevel = WARNING\n" + Binding));

    public static TheoryData<object> PersistedEvents() => SerializationTests.PersistedEvents();

    [Theory]
    [MemberData(nameof(PersistedEvents))]
    public void Should_write_every_room_event_with_the_room_event_serializer_and_read_it_back(object @event)
    {
        var serializer = _system.Serialization.FindSerializerFor(@event);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, @event);

        var copy = _system.Serialization.Deserialize(serializer.ToBinary(@event), serializer.Identifier, manifest);

        Assert.IsType<RoomEventSerializer>(serializer);
        Assert.Equal(RoomEventSerializer.Id, serializer.Identifier);
        Assert.Equal(@event.GetType(), copy.GetType());
        Assert.Equal(Json(@event), Json(copy));
    }

    [Fact]
    public void Should_have_a_manifest_for_every_room_event_type()
    {
        var serializer = new RoomEventSerializer((ExtendedActorSystem)_system);
        var eventTypes = typeof(IRoomEvent).Assembly.GetTypes()
            .Where(type => typeof(IRoomEvent).IsAssignableFrom(type) && type is { IsInterface: false, IsAbstract: false });

        var events = SerializationTests.PersistedEvents().Cast<object[]>().Select(row => row[0]).ToList();

        Assert.All(eventTypes, type => Assert.Contains(type, events.Select(e => e.GetType())));
        Assert.All(events, e => Assert.False(string.IsNullOrEmpty(serializer.Manifest(e))));
    }

    [Fact]
    public async Task Should_recover_a_room_written_by_the_default_serializer_and_keep_writing()
    {
        using var directory = new TempDirectory();
        var room = new RoomId("alice_" + Guid.NewGuid().ToString("N")[..8]);
        await OnSqliteAsync(directory, "", async system =>
        {
            Assert.IsNotType<RoomEventSerializer>(system.Serialization.FindSerializerForType(typeof(RoomEvents.MessagePosted)));
            await PostAsync(system, room, "old 1", "old 2");
        });

        await OnSqliteAsync(directory, Binding, async system =>
        {
            Assert.IsType<RoomEventSerializer>(system.Serialization.FindSerializerForType(typeof(RoomEvents.MessagePosted)));
            Assert.Equal(["old 1", "old 2"], await HistoryAsync(system, room));
            await PostAsync(system, room, "new 3");
        });

        await OnSqliteAsync(directory, Binding, async system => Assert.Equal(["old 1", "old 2", "new 3"], await HistoryAsync(system, room)));
    }

    [Fact]
    public async Task Should_recover_a_room_written_by_Akka_Persistence_Sql_on_the_hosts_own_journal_snapshots_included()
    {
        using var directory = new TempDirectory();
        var room = new RoomId("alice_" + Guid.NewGuid().ToString("N")[..8]);
        // Past the snapshot interval: the own journal recovers from Akka.Persistence.Sql's snapshot and the pruned events after it.
        var texts = Enumerable.Range(1, new ChatOptions().SnapshotEvery + 3).Select(i => $"m{i}").ToArray();
        await OnSqliteAsync(directory, Binding, async system =>
        {
            await PostAsync(system, room, texts[..^2]);
            // The snapshot store writes on after the room stopped: wait for it while the system runs.
            await Eventually.Until(
                () => CountAsync(directory, $"SELECT count(*) FROM snapshot WHERE persistence_id = 'room-{room.Value}';"),
                count => count == 1, TimeSpan.FromSeconds(10), "the room's snapshot");
        });

        var dedicated = SqlJournal.OnSqliteDedicated(directory, Binding);
        try
        {
            Assert.Equal(texts[..^2].TakeLast(50), await HistoryAsync(dedicated, room));
            await PostAsync(dedicated, room, texts[^2..]);
        }
        finally
        {
            await dedicated.Terminate();
        }

        await OnSqliteAsync(directory, Binding, async system => Assert.Equal(texts.TakeLast(50), await HistoryAsync(system, room)));
    }

    public void Dispose() => _system.Dispose();

    private static async Task<long> CountAsync(TempDirectory directory, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory.Path, "journal.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task PostAsync(ActorSystem system, RoomId room, params string[] texts)
    {
        var actor = StartRoom(system, room);
        var inbox = Inbox.Create(system);
        foreach (var text in texts)
        {
            inbox.Send(actor, new Post(room, Bob, text, text));
            Assert.IsType<Acked>(await inbox.ReceiveAsync(Timeout));
        }
        await SqlJournal.AssertHealthyAsync(system);
        Assert.True(await actor.GracefulStop(Timeout));
    }

    private static async Task<string[]> HistoryAsync(ActorSystem system, RoomId room)
    {
        var actor = StartRoom(system, room);
        var inbox = Inbox.Create(system);
        inbox.Send(actor, new Join(room, Bob, 50, null));
        var joined = Assert.IsType<Joined>(await inbox.ReceiveAsync(Timeout));
        Assert.True(await actor.GracefulStop(Timeout));
        return [.. joined.Messages.Select(m => m.Text)];
    }

    private static IActorRef StartRoom(ActorSystem system, RoomId room) =>
        system.ActorOf(Props.Create(() => new RoomActor(room.Value, new Streamers(), Options.Create(new ChatOptions { RateLimitMessages = 100_000 }))));

    private static async Task OnSqliteAsync(TempDirectory directory, string extra, Func<ActorSystem, Task> test)
    {
        var system = SqlJournal.OnSqlite(directory, extra);
        try
        {
            await test(system);
        }
        finally
        {
            await system.Terminate();
        }
    }

    // Records compare arrays by reference; their JSON compares by content.
    private static string Json(object value) => System.Text.Json.JsonSerializer.Serialize(value, value.GetType());

    /// <summary>Every <c>alice…</c> is a streamer, so her channel room is created on first use.</summary>
    private sealed class Streamers : IUserDirectory
    {
        public Task<UserSummary?> FindByIdAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult<UserSummary?>(null);

        public Task<UserSummary?> FindByUsernameAsync(string username, CancellationToken cancellationToken) =>
            Task.FromResult<UserSummary?>(new UserSummary(Guid.NewGuid(), username, [Roles.Viewer, Roles.Streamer], false));
    }
}

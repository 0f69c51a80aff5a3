using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using CommunityStream.Chat.Rooms;
using CommunityStream.Identity.Contracts;
using Microsoft.Extensions.Options;
using static CommunityStream.Chat.Rooms.RoomCommands;
using static CommunityStream.Chat.Rooms.RoomReplies;

namespace CommunityStream.Chat.Tests.Rooms;

/// <summary>
/// The room actor on its own (no sharding), with the in-memory journal and snapshot store: the persistence
/// cycle is the point here; the SQL journal is exercised by the node and cluster tests.
/// </summary>
public sealed class RoomActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config TestConfig = ConfigurationFactory.ParseString("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.loglevel = WARNING
        """);

    // The in-memory journal may outlive one test's ActorSystem: every test uses its own room.
    private readonly RoomId _room = new("alice_" + Guid.NewGuid().ToString("N")[..8]);
    private static readonly ChatUser Bob = new(Guid.NewGuid(), "bob", false, false);
    private readonly Directory _directory = new();

    public RoomActorSpecs()
        : base(TestConfig)
    {
    }

    private IActorRef StartRoom(string name, int snapshotEvery = 200) =>
        Sys.ActorOf(Props.Create(() => new RoomActor(_room.Value, _directory, Options.Create(new ChatOptions { SnapshotEvery = snapshotEvery }))), name);

    private async Task StopAsync(IActorRef room)
    {
        Watch(room);
        room.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(room);
    }

    [Fact]
    public async Task Should_create_a_streamers_channel_and_acknowledge_then_publish_each_message()
    {
        var subscriber = CreateTestProbe();
        DistributedPubSub.Get(Sys).Mediator.Tell(new Subscribe(_room.Topic, subscriber.Ref), subscriber.Ref);
        await subscriber.ExpectMsgAsync<SubscribeAck>();
        var room = StartRoom("room-1");

        room.Tell(new Post(_room, Bob, "hello", "m-1"));

        var ack = await ExpectMsgAsync<Acked>();
        Assert.Equal(1, ack.Offset);
        var broadcast = await subscriber.ExpectMsgAsync<RoomBroadcasts.MessageBroadcast>();
        Assert.Equal("hello", broadcast.Message.Text);
        Assert.Equal(1, broadcast.Message.Offset);
    }

    [Fact]
    public async Task Should_refuse_a_channel_whose_owner_is_not_a_streamer()
    {
        _directory.Roles = [Roles.Viewer];
        var room = StartRoom("room-2");

        room.Tell(new Join(_room, Bob, 50, null));

        Assert.Equal("room_not_found", (await ExpectMsgAsync<Rejected>()).Code);
    }

    [Fact]
    public async Task Should_keep_offsets_and_history_across_a_restart()
    {
        var room = StartRoom("room-3");
        for (var i = 1; i <= 3; i++)
        {
            room.Tell(new Post(_room, Bob, $"m{i}", $"c{i}"));
            Assert.Equal(i, (await ExpectMsgAsync<Acked>()).Offset);
        }
        await StopAsync(room);

        var again = StartRoom("room-3b");
        again.Tell(new Join(_room, Bob, 50, null));
        var joined = await ExpectMsgAsync<Joined>();
        again.Tell(new Post(_room, Bob, "m1", "c1"));
        var duplicate = await ExpectMsgAsync<Acked>();
        again.Tell(new Post(_room, Bob, "m4", "c4"));

        Assert.Equal(["m1", "m2", "m3"], joined.Messages.Select(m => m.Text));
        Assert.True(duplicate.Duplicate);
        Assert.Equal(1, duplicate.Offset);
        Assert.Equal(4, (await ExpectMsgAsync<Acked>()).Offset);
        Assert.Equal(1, _directory.Lookups);
    }

    [Fact]
    public async Task Should_recover_from_a_snapshot_and_the_events_after_it()
    {
        var room = StartRoom("room-4", snapshotEvery: 3);
        for (var i = 1; i <= 7; i++)
        {
            room.Tell(new Post(_room, Bob, $"m{i}", null));
            await ExpectMsgAsync<Acked>();
        }
        room.Tell(new Moderate(_room, new ChatUser(Guid.NewGuid(), "root", true, false), new ModerationRequest("delete", Offset: 2)));
        await ExpectMsgAsync<Moderated>();
        await StopAsync(room);

        var again = StartRoom("room-4b", snapshotEvery: 3);
        again.Tell(new Join(_room, Bob, 50, null));

        var joined = await ExpectMsgAsync<Joined>();
        Assert.Equal([1L, 3, 4, 5, 6, 7], joined.Messages.Select(m => m.Offset));
        Assert.Equal(7, joined.Offset);
    }

    /// <summary>A user directory where every <c>alice…</c> exists with configurable roles.</summary>
    private sealed class Directory : IUserDirectory
    {
        public IReadOnlyList<string> Roles { get; set; } = [Identity.Contracts.Roles.Viewer, Identity.Contracts.Roles.Streamer];

        public int Lookups { get; private set; }

        public Task<UserSummary?> FindByIdAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult<UserSummary?>(null);

        public Task<UserSummary?> FindByUsernameAsync(string username, CancellationToken cancellationToken)
        {
            Lookups++;
            return Task.FromResult(username.StartsWith("alice", StringComparison.Ordinal) ? new UserSummary(Guid.NewGuid(), username, Roles, false) : null);
        }
    }
}

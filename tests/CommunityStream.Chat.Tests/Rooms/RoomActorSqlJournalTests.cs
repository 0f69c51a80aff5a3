using Akka.Actor;
using Akka.Persistence;
using CommunityStream.Chat.Rooms;
using CommunityStream.Chat.Tests.Support;
using CommunityStream.Identity.Contracts;
using Microsoft.Extensions.Options;
using static CommunityStream.Chat.Rooms.RoomCommands;
using static CommunityStream.Chat.Rooms.RoomReplies;

namespace CommunityStream.Chat.Tests.Rooms;

/// <summary>
/// The room actor on the real SQL journal (SQLite file, PostgreSQL): a client that resends a post before
/// its ack, while the room is writing, must get both acks in order and never make a journal call fail
/// (docs/notes/journal-empty-write-batch.md).
/// </summary>
public sealed class RoomActorSqlJournalTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly ChatUser Bob = new(Guid.NewGuid(), "bob", false, false);

    [Fact]
    public Task Should_ack_duplicates_sent_during_writes_without_failing_the_sqlite_journal() =>
        OnSqliteAsync(AckDuplicatesDuringWritesAsync);

    [Fact]
    public async Task Should_ack_duplicates_sent_during_writes_without_failing_the_hosts_own_sqlite_journal()
    {
        using var directory = new TempDirectory();
        await RunAsync(SqlJournal.OnSqliteDedicated(directory), AckDuplicatesDuringWritesAsync);
    }

    [SkippableFact]
    public Task Should_ack_duplicates_sent_during_writes_without_failing_the_postgres_journal() =>
        OnPostgresAsync(AckDuplicatesDuringWritesAsync);

    /// <summary>
    /// Documents the upstream bug the room works around: if this starts failing, Akka.Persistence.Sql accepts
    /// a write batch with no events and the workaround in <see cref="DeferredReplies"/> may go.
    /// </summary>
    [Fact]
    public Task Upstream_sql_journal_fails_a_write_batch_that_holds_only_a_deferred_reply() =>
        OnSqliteAsync(async system =>
        {
            var actor = system.ActorOf(Props.Create(() => new WriteThenDefer("defer-" + Guid.NewGuid().ToString("N"))));
            var inbox = Inbox.Create(system);

            inbox.Send(actor, "write");

            Assert.Equal("written", await inbox.ReceiveAsync(Timeout));
            Assert.Equal("deferred", await inbox.ReceiveAsync(Timeout));
            var health = await Persistence.Instance.Apply(system).CheckJournalHealthAsync(SqlJournal.PluginId);
            Assert.Equal(PersistenceHealthStatus.Degraded, health.Status);
            var failure = Assert.IsType<InvalidOperationException>(health.Exception);
            Assert.Equal("Sequence contains no elements", failure.Message);
        });

    private static async Task AckDuplicatesDuringWritesAsync(ActorSystem system)
    {
        var room = new RoomId("alice_" + Guid.NewGuid().ToString("N")[..8]);
        var actor = StartRoom(system, room);
        var inbox = Inbox.Create(system);
        const int rounds = 5;
        for (var i = 1; i <= rounds; i++)
        {
            // Sent back to back: the resend and an old resend arrive while the original is being written.
            inbox.Send(actor, new Post(room, Bob, $"m{i}", $"c{i}"));
            inbox.Send(actor, new Post(room, Bob, $"m{i}", $"c{i}"));
            inbox.Send(actor, new Post(room, Bob, "m1", "c1"));

            Assert.Equal(new Acked(room, $"c{i}", i, Duplicate: false), await inbox.ReceiveAsync(Timeout));
            Assert.Equal(new Acked(room, $"c{i}", i, Duplicate: true), await inbox.ReceiveAsync(Timeout));
            Assert.Equal(new Acked(room, "c1", 1, Duplicate: true), await inbox.ReceiveAsync(Timeout));
            await SqlJournal.AssertHealthyAsync(system);
        }

        Assert.True(await actor.GracefulStop(Timeout));
        inbox.Send(StartRoom(system, room), new Join(room, Bob, 50, null));
        var joined = Assert.IsType<Joined>(await inbox.ReceiveAsync(Timeout));
        Assert.Equal(rounds, joined.Offset);
        Assert.Equal(Enumerable.Range(1, rounds).Select(i => $"m{i}"), joined.Messages.Select(m => m.Text));
    }

    private static IActorRef StartRoom(ActorSystem system, RoomId room) =>
        system.ActorOf(Props.Create(() => new RoomActor(room.Value, new Streamers(), Options.Create(new ChatOptions()))));

    private static async Task OnSqliteAsync(Func<ActorSystem, Task> test)
    {
        using var directory = new TempDirectory();
        await RunAsync(SqlJournal.OnSqlite(directory), test);
    }

    private static async Task OnPostgresAsync(Func<ActorSystem, Task> test)
    {
        await using var database = await TestPostgres.CreateAsync();
        await RunAsync(SqlJournal.OnPostgres(database), test);
    }

    private static async Task RunAsync(ActorSystem system, Func<ActorSystem, Task> test)
    {
        try
        {
            await test(system);
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>
    /// The smallest shape of the trigger: an async write, then a deferred reply decided while it is in flight
    /// (the self-message is queued before the journal can answer), so the next batch holds no event.
    /// </summary>
    private sealed class WriteThenDefer : ReceivePersistentActor
    {
        public WriteThenDefer(string persistenceId)
        {
            PersistenceId = persistenceId;
            Command<string>(command =>
            {
                var sender = Sender;
                if (command == "write")
                {
                    PersistAsync(command, _ => sender.Tell("written"));
                    Self.Tell("defer", sender);
                    return;
                }
                DeferAsync(command, _ => sender.Tell("deferred"));
            });
        }

        public override string PersistenceId { get; }
    }

    /// <summary>Every <c>alice…</c> is a streamer, so her channel room is created on first use.</summary>
    private sealed class Streamers : IUserDirectory
    {
        public Task<UserSummary?> FindByIdAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult<UserSummary?>(null);

        public Task<UserSummary?> FindByUsernameAsync(string username, CancellationToken cancellationToken) =>
            Task.FromResult<UserSummary?>(new UserSummary(Guid.NewGuid(), username, [Roles.Viewer, Roles.Streamer], false));
    }
}

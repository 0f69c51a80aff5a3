using Akka.Actor;
using Akka.Persistence;
using CommunityStream.Host.Tests.Support;

namespace CommunityStream.Host.Tests.Storage.Journal;

/// <summary>
/// The node's own SQLite journal in a whole node: it is the default journal, it reads what Akka.Persistence.Sql wrote
/// and Akka.Persistence.Sql reads what it wrote (same file, same tables), and many writers at once all recover.
/// </summary>
[Collection(SerialHostTests.Name)]
public sealed class SqliteEventJournalTests
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private static readonly string[] AkkaPersistenceSql = ["--Persistence:SqliteJournal", "AkkaPersistenceSql"];

    [Fact]
    public async Task Should_be_the_default_journal_unless_the_setting_asks_for_Akka_Persistence_Sql()
    {
        using var data = new TempDirectory();
        await using (var node = await InProcessNode.StartOnAsync(data))
        {
            Assert.Contains("communitystream-sqlite", DefaultJournal(node).Path.ToString(), StringComparison.Ordinal);
        }
        await using (var node = await InProcessNode.StartOnAsync(data, AkkaPersistenceSql))
        {
            Assert.Contains("journal.sql", DefaultJournal(node).Path.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Should_recover_events_written_by_Akka_Persistence_Sql_and_leave_them_readable_to_it()
    {
        using var data = new TempDirectory();
        await using (var node = await InProcessNode.StartOnAsync(data, AkkaPersistenceSql))
        {
            var counter = node.System.ActorOf(Props.Create(() => new CounterActor("mixed")));
            Assert.Equal(5, await counter.Ask<int>(new CounterActor.Add(5), AskTimeout));
            Assert.Equal(12, await counter.Ask<int>(new CounterActor.Add(7), AskTimeout));
        }
        await using (var node = await InProcessNode.StartOnAsync(data))
        {
            var counter = node.System.ActorOf(Props.Create(() => new CounterActor("mixed")));
            Assert.Equal(12, await counter.Ask<int>(new CounterActor.Get(), AskTimeout));
            Assert.Equal(15, await counter.Ask<int>(new CounterActor.Add(3), AskTimeout));
        }
        await using (var node = await InProcessNode.StartOnAsync(data, AkkaPersistenceSql))
        {
            var counter = node.System.ActorOf(Props.Create(() => new CounterActor("mixed")));
            Assert.Equal(15, await counter.Ask<int>(new CounterActor.Get(), AskTimeout));
            // Akka.Persistence.Sql goes on from the sequence number the dedicated journal left.
            Assert.Equal(16, await counter.Ask<int>(new CounterActor.Add(1), AskTimeout));
        }
        var connectionString = $"Data Source={Path.Combine(data.Path, "communitystream.db")}";
        Assert.Equal(
            "1,2,3,4",
            string.Join(",", await SqliteJournalWriterTests.RowsAsync(connectionString,
                "SELECT CAST(sequence_number AS TEXT) FROM journal WHERE persistence_id = 'counter-mixed' ORDER BY ordering;")));
    }

    [Fact]
    public async Task Should_keep_every_event_of_many_actors_writing_at_once()
    {
        const int Actors = 200;
        const int EventsEach = 10;
        using var data = new TempDirectory();
        await using (var node = await InProcessNode.StartOnAsync(data))
        {
            await Task.WhenAll(Enumerable.Range(0, Actors).Select(async i =>
            {
                var counter = node.System.ActorOf(Props.Create(() => new CounterActor($"many-{i}")));
                for (var n = 1; n <= EventsEach; n++)
                {
                    Assert.Equal(n * (i + 1), await counter.Ask<int>(new CounterActor.Add(i + 1), AskTimeout));
                }
            }));
        }
        await using (var node = await InProcessNode.StartOnAsync(data))
        {
            var totals = await Task.WhenAll(Enumerable.Range(0, Actors).Select(i =>
                node.System.ActorOf(Props.Create(() => new CounterActor($"many-{i}"))).Ask<int>(new CounterActor.Get(), AskTimeout)));
            Assert.Equal(Enumerable.Range(0, Actors).Select(i => EventsEach * (i + 1)), totals);
        }
        var connectionString = $"Data Source={Path.Combine(data.Path, "communitystream.db")}";
        // Each actor's events are in the table once each, in order of their sequence numbers.
        Assert.Equal(0L, await SqliteJournalWriterTests.ScalarAsync(connectionString,
            "SELECT count(*) FROM journal a JOIN journal b ON a.persistence_id = b.persistence_id AND a.ordering < b.ordering "
            + "AND a.sequence_number >= b.sequence_number WHERE a.persistence_id LIKE 'counter-many-%';"));
        Assert.Equal((long)Actors * EventsEach, await SqliteJournalWriterTests.ScalarAsync(connectionString,
            "SELECT count(DISTINCT persistence_id || ':' || sequence_number) FROM journal WHERE persistence_id LIKE 'counter-many-%';"));
    }

    [Fact]
    public async Task Should_answer_the_highest_sequence_number_only_after_that_ids_queued_write_committed()
    {
        using var data = new TempDirectory();
        await using var node = await InProcessNode.StartOnAsync(data);
        var journal = DefaultJournal(node);
        var replies = System.Threading.Channels.Channel.CreateUnbounded<object>();
        var probe = node.System.ActorOf(Props.Create(() => new ForwardingActor(replies.Writer)));
        // Both connections open (writer and reader) before the lock, so that only the insert has to wait for it.
        journal.Tell(Write("queued", 1, probe), probe);
        await NextAsync<WriteMessagesSuccessful>(replies);
        journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, "other", probe), probe);
        Assert.Equal(0L, (await NextAsync<RecoverySuccess>(replies)).HighestSequenceNr);

        await using (var blocker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data.Path, "communitystream.db")}"))
        {
            await blocker.OpenAsync();
            await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await blocker.BeginTransactionAsync();
            await using (var take = blocker.CreateCommand())
            {
                // Holds the write lock: the journal's next transaction waits (busy_timeout) behind it.
                take.CommandText = "INSERT INTO journal (created, deleted, persistence_id, sequence_number, message) VALUES (0, 0, 'blocker', 1, x'00');";
                take.Transaction = transaction;
                await take.ExecuteNonQueryAsync();
            }
            journal.Tell(Write("queued", 2, probe), probe);
            journal.Tell(new ReplayMessages(3, long.MaxValue, long.MaxValue, "queued", probe), probe);
            // A read of another id, behind the first on the reader's one connection: once it is answered, an answer
            // that did not wait for the queued write would be here too.
            journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, "other", probe), probe);
            Assert.Equal(0L, (await NextAsync<RecoverySuccess>(replies)).HighestSequenceNr);
            Assert.False(replies.Reader.TryPeek(out _));
            transaction.Rollback();
        }

        // The write commits once the lock is gone, and only then is the highest number read: 2, not 1.
        Assert.Equal(2L, (await NextAsync<RecoverySuccess>(replies)).HighestSequenceNr);
        Assert.Equal(2L, await SqliteJournalWriterTests.ScalarAsync($"Data Source={Path.Combine(data.Path, "communitystream.db")}",
            "SELECT max(sequence_number) FROM journal WHERE persistence_id = 'queued';"));
    }

    private static WriteMessages Write(string persistenceId, long sequenceNr, IActorRef probe) =>
        new([new AtomicWrite(new Persistent($"event-{sequenceNr}", sequenceNr, persistenceId, writerGuid: "test-writer"))], probe, 1);

    private static async Task<T> NextAsync<T>(System.Threading.Channels.Channel<object> replies)
    {
        using var timeout = new CancellationTokenSource(AskTimeout);
        while (true)
        {
            var message = await replies.Reader.ReadAsync(timeout.Token);
            if (message is T typed)
            {
                return typed;
            }
        }
    }

    private sealed class ForwardingActor : ReceiveActor
    {
        public ForwardingActor(System.Threading.Channels.ChannelWriter<object> replies) => ReceiveAny(message => replies.TryWrite(message));
    }

    private static IActorRef DefaultJournal(InProcessNode node) => Persistence.Instance.Apply(node.System).JournalFor(null);
}

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

    private static IActorRef DefaultJournal(InProcessNode node) => Persistence.Instance.Apply(node.System).JournalFor(null);
}

using System.Diagnostics.Metrics;
using CommunityStream.Host.Storage.Journal;
using Microsoft.Data.Sqlite;

namespace CommunityStream.Host.Tests.Storage.Journal;

/// <summary>The journal writer on a real SQLite file: group commit, a bad write failing alone, unique sequence numbers, Akka.Persistence.Sql's delete.</summary>
public sealed class SqliteJournalWriterTests
{
    private const string Pragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Should_fail_only_the_write_that_fails_alone_when_a_group_transaction_fails()
    {
        using var data = new TempDirectory();
        var connectionString = ConnectionString(data);
        await PoisonAsync(connectionString, "poisoned");
        using var writer = new SqliteJournalWriter(connectionString, Pragmas);

        // Queued before the thread starts: the three writes go into one transaction.
        var good = writer.WriteAsync([Row("room-a", 1), Row("room-a", 2)]);
        var poisoned = writer.WriteAsync([Row("poisoned", 1)]);
        var other = writer.WriteAsync([Row("room-b", 1)]);
        writer.Start();

        await Assert.ThrowsAsync<SqliteException>(() => poisoned.WaitAsync(Wait));
        await good.WaitAsync(Wait);
        await other.WaitAsync(Wait);
        Assert.Equal(
            "room-a:1,room-a:2,room-b:1",
            string.Join(",", await RowsAsync(connectionString, "SELECT persistence_id || ':' || sequence_number FROM journal ORDER BY persistence_id, sequence_number;")));

        await writer.WriteAsync([Row("room-a", 3)]).WaitAsync(Wait);
        Assert.Equal(4L, await ScalarAsync(connectionString, "SELECT count(*) FROM journal;"));
    }

    [Fact]
    public async Task Should_fail_a_write_that_reuses_a_sequence_number_instead_of_storing_it_twice()
    {
        using var data = new TempDirectory();
        var connectionString = ConnectionString(data);
        using var writer = new SqliteJournalWriter(connectionString, Pragmas);
        writer.Start();
        await writer.WriteAsync([Row("room-a", 1)]).WaitAsync(Wait);

        await Assert.ThrowsAsync<SqliteException>(() => writer.WriteAsync([Row("room-a", 1)]).WaitAsync(Wait));
        Assert.Equal(1L, await ScalarAsync(connectionString, "SELECT count(*) FROM journal;"));
        Assert.Equal(1L, await ScalarAsync(connectionString, $"SELECT count(*) FROM sqlite_master WHERE name = '{SqliteJournalSchema.UniqueIndex}';"));
    }

    [Fact]
    public async Task Should_start_on_a_file_that_holds_duplicates_keeping_a_non_unique_index_and_warning_once()
    {
        using var data = new TempDirectory();
        var connectionString = ConnectionString(data);
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // An older writer's file: the tables without any index, one event stored twice.
            command.CommandText = SqliteJournalSchema.Create + """
                INSERT INTO journal (created, deleted, persistence_id, sequence_number, message) VALUES (0, 0, 'room-a', 1, x'00');
                INSERT INTO journal (created, deleted, persistence_id, sequence_number, message) VALUES (0, 0, 'room-a', 1, x'00');
                """;
            await command.ExecuteNonQueryAsync();
        }
        var warnings = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var writer = new SqliteJournalWriter(connectionString, Pragmas, warnings.Enqueue);
        writer.Start();

        await writer.WriteAsync([Row("room-a", 2)]).WaitAsync(Wait);

        Assert.Contains("1 (persistence_id, sequence_number) pairs", Assert.Single(warnings), StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync(connectionString, $"SELECT count(*) FROM sqlite_master WHERE name = '{SqliteJournalSchema.UniqueIndex}';"));
        Assert.Equal(1L, await ScalarAsync(connectionString, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal' AND sql IS NOT NULL;"));
    }

    [Fact]
    public async Task Should_commit_whatever_was_queued_in_one_transaction()
    {
        using var data = new TempDirectory();
        var connectionString = ConnectionString(data);
        var batches = new List<long>();
        using var listener = ListenToBatchSizes(batches);
        using var writer = new SqliteJournalWriter(connectionString, Pragmas);

        // 150 writes of 1 row from 150 rooms, more than one INSERT statement holds.
        var writes = Enumerable.Range(0, 150).Select(i => writer.WriteAsync([Row($"room-{i}", 1)])).ToList();
        writer.Start();
        await Task.WhenAll(writes).WaitAsync(Wait);

        Assert.Equal(150L, await ScalarAsync(connectionString, "SELECT count(*) FROM journal;"));
        lock (batches)
        {
            Assert.Contains(150L, batches);
        }
    }

    [Fact]
    public async Task Should_delete_like_Akka_Persistence_Sql_keeping_the_highest_deleted_event()
    {
        using var data = new TempDirectory();
        var connectionString = ConnectionString(data);
        using var writer = new SqliteJournalWriter(connectionString, Pragmas);
        writer.Start();
        await writer.WriteAsync([.. Enumerable.Range(1, 5).Select(i => Row("room-a", i))]).WaitAsync(Wait);
        await writer.WriteAsync([Row("room-b", 1)]).WaitAsync(Wait);

        await writer.DeleteAsync("room-a", 3).WaitAsync(Wait);

        Assert.Equal(
            "3:1,4:0,5:0",
            string.Join(",", await RowsAsync(connectionString, "SELECT sequence_number || ':' || deleted FROM journal WHERE persistence_id = 'room-a' ORDER BY sequence_number;")));
        Assert.Equal(1L, await ScalarAsync(connectionString, "SELECT count(*) FROM journal WHERE persistence_id = 'room-b';"));
        using var reader = new SqliteJournalReader(connectionString, Pragmas);
        Assert.Equal(5L, await reader.HighestSequenceNrAsync("room-a", 0));
        var replayed = new List<long>();
        await reader.ReplayAsync("room-a", 1, long.MaxValue, long.MaxValue, row => replayed.Add(row.SequenceNr));
        Assert.Equal([4L, 5L], replayed);
    }

    [Fact]
    public async Task Should_fail_writes_queued_after_it_stopped_instead_of_leaving_them_waiting()
    {
        using var data = new TempDirectory();
        var writer = new SqliteJournalWriter(ConnectionString(data), Pragmas);
        writer.Start();
        await writer.WriteAsync([Row("room-a", 1)]).WaitAsync(Wait);
        writer.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync([Row("room-a", 2)]).WaitAsync(Wait));
    }

    [Fact]
    public async Task Should_let_a_replay_in_flight_finish_when_the_reader_is_disposed_and_refuse_later_reads()
    {
        using var data = new TempDirectory();
        var connectionString = ConnectionString(data);
        using (var writer = new SqliteJournalWriter(connectionString, Pragmas))
        {
            writer.Start();
            await writer.WriteAsync([Row("room-a", 1), Row("room-a", 2)]).WaitAsync(Wait);
        }
        var reader = new SqliteJournalReader(connectionString, Pragmas);
        using var inReplay = new ManualResetEventSlim();
        using var goOn = new ManualResetEventSlim();
        var replayed = new List<long>();
        var replay = reader.ReplayAsync("room-a", 1, long.MaxValue, long.MaxValue, row =>
        {
            inReplay.Set();
            Assert.True(goOn.Wait(Wait));
            replayed.Add(row.SequenceNr);
        });
        Assert.True(inReplay.Wait(Wait));

        reader.Dispose();
        goOn.Set();

        await replay.WaitAsync(Wait);
        Assert.Equal([1L, 2L], replayed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => reader.HighestSequenceNrAsync("room-a", 0).WaitAsync(Wait));
    }

    internal static SqliteJournalRow Row(string persistenceId, long sequenceNr) =>
        new(persistenceId, sequenceNr, [1, 2, 3], "m", 1701, "writer", DateTime.UtcNow.Ticks);

    internal static string ConnectionString(TempDirectory data) => $"Data Source={Path.Combine(data.Path, "journal.db")}";

    // A trigger makes every insert of one persistence id fail inside the transaction, as a full disk or a lost lock would.
    private static async Task PoisonAsync(string connectionString, string persistenceId)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        SqliteJournalSchema.Ensure(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE TRIGGER poison BEFORE INSERT ON journal WHEN NEW.persistence_id = '{persistenceId}' BEGIN SELECT RAISE(ABORT, 'poisoned'); END;";
        await command.ExecuteNonQueryAsync();
    }

    private static MeterListener ListenToBatchSizes(List<long> batches)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == JournalMetrics.MeterName && instrument.Name == "communitystream.journal.transaction.writes")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            lock (batches)
            {
                batches.Add(value);
            }
        });
        listener.Start();
        return listener;
    }

    internal static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static async Task<List<string>> RowsAsync(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }
}

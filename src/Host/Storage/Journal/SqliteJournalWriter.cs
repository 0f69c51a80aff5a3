using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace CommunityStream.Host.Storage.Journal;

/// <summary>
/// The journal's only writer: one thread with one long-lived connection. Whatever was queued while the last
/// transaction ran goes into the next one as multi-row inserts (group commit by natural batching: nothing ever waits
/// on a timer to batch), and each write's task completes only after its transaction committed, so an event is
/// durable before anyone is told it is persisted. When a transaction of several writes fails, each is run again in a
/// transaction of its own, so only a write that fails alone fails (one bad room never fails the others). Deletes keep their
/// place in the queue (a prune never overtakes the events before it) and run in transactions of their own.
/// </summary>
internal sealed class SqliteJournalWriter : IDisposable
{
    /// <summary>Rows per INSERT statement; a batch of more runs several statements in its one transaction.</summary>
    public const int RowsPerStatement = 64;

    private const int ColumnsPerRow = 7;

    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly Action<string>? _warn;
    private readonly ConcurrentQueue<Operation> _queue = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly SqliteCommand?[] _inserts = new SqliteCommand?[RowsPerStatement + 1];
    private readonly List<Operation> _batch = [];
    private readonly List<SqliteJournalRow> _rows = [];
    private Thread? _thread;
    private SqliteConnection? _connection;
    private SqliteCommand? _markDeleted;
    private SqliteCommand? _deleteMarked;
    private SqliteCommand? _deleteTags;
    private int _waiting;
    private volatile bool _stopping;

    // warn is told once per connection opened on a file whose duplicate events kept the unique index away.
    public SqliteJournalWriter(string connectionString, string pragmas, Action<string>? warn = null)
    {
        _connectionString = connectionString;
        _pragmas = pragmas;
        _warn = warn;
    }

    /// <summary>Starts the writer thread; writes queued before it start go into its first transaction together.</summary>
    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "journal-writer" };
        _thread.Start();
    }

    /// <summary>Queues one atomic write; completes once its transaction committed, or fails with it.</summary>
    public Task WriteAsync(IReadOnlyList<SqliteJournalRow> rows) => Enqueue(new Insert(rows));

    /// <summary>Queues a delete of the events of <paramref name="persistenceId"/> up to <paramref name="toSequenceNr"/>.</summary>
    public Task DeleteAsync(string persistenceId, long toSequenceNr) => Enqueue(new Delete(persistenceId, toSequenceNr));

    private Task Enqueue(Operation operation)
    {
        if (_stopping)
        {
            return Task.FromException(new ObjectDisposedException(nameof(SqliteJournalWriter), "The journal writer has stopped."));
        }
        _queue.Enqueue(operation);
        // Wake the writer only when it sleeps: while a transaction runs, writes just queue for the next one.
        if (Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            _wake.Set();
        }
        return operation.Completion.Task;
    }

    private void Run()
    {
        while (true)
        {
            if (_queue.IsEmpty)
            {
                if (_stopping)
                {
                    break;
                }
                // A full fence, not Volatile.Write: a release store may pass the load of IsEmpty below (store-load
                // reordering, allowed even on x86), and then a producer that enqueued in between reads 0 and never
                // wakes us while we see an empty queue: a lost wake-up, the write waiting for the next enqueue.
                Interlocked.Exchange(ref _waiting, 1);
                // A write queued between the check and the flag found no sleeper: take the flag back and go on.
                if (_queue.IsEmpty || Interlocked.Exchange(ref _waiting, 0) == 0)
                {
                    _wake.WaitOne();
                }
                continue;
            }
            while (_queue.TryDequeue(out var operation))
            {
                _batch.Add(operation);
            }
            Process(_batch);
            _batch.Clear();
        }
        CloseConnection();
    }

    private void Process(List<Operation> batch)
    {
        var start = 0;
        while (start < batch.Count)
        {
            if (batch[start] is Delete delete)
            {
                Complete([delete], () => RunDelete(delete), failAll: true);
                start++;
                continue;
            }
            var end = start;
            while (end < batch.Count && batch[end] is Insert)
            {
                end++;
            }
            var inserts = batch.GetRange(start, end - start);
            if (!Complete(inserts, () => RunInserts(inserts), failAll: inserts.Count == 1))
            {
                // Which write broke it is unknown: each alone, so that only the ones that fail alone fail.
                foreach (var insert in inserts)
                {
                    List<Operation> alone = [insert];
                    Complete(alone, () => RunInserts(alone), failAll: true);
                }
            }
            start = end;
        }
    }

    /// <summary>Runs one transaction; false when it failed and <paramref name="failAll"/> left the writes to the caller.</summary>
    private bool Complete(List<Operation> operations, Action transaction, bool failAll)
    {
        var begun = Stopwatch.GetTimestamp();
        try
        {
            transaction();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever failed, the writes were rolled back; the thread lives on, and a possibly broken connection is
            // opened afresh for the next transaction.
            CloseConnection();
            JournalMetrics.Failed(begun);
            if (!failAll)
            {
                return false;
            }
            foreach (var operation in operations)
            {
                operation.Completion.TrySetException(ex);
            }
            return true;
        }
        foreach (var operation in operations)
        {
            operation.Completion.TrySetResult();
        }
        // After the completions: a throwing listener must not turn committed writes into failed ones.
        JournalMetrics.Committed(operations, begun);
        return true;
    }

    private void RunInserts(List<Operation> inserts)
    {
        var connection = Open();
        _rows.Clear();
        foreach (var insert in inserts)
        {
            _rows.AddRange(((Insert)insert).Rows);
        }
        using var transaction = connection.BeginTransaction(deferred: false);
        for (var offset = 0; offset < _rows.Count; offset += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, _rows.Count - offset);
            var command = InsertCommand(connection, count);
            command.Transaction = transaction;
            var parameters = command.Parameters;
            for (var i = 0; i < count; i++)
            {
                var row = _rows[offset + i];
                var p = i * ColumnsPerRow;
                parameters[p].Value = row.Created;
                parameters[p + 1].Value = row.PersistenceId;
                parameters[p + 2].Value = row.SequenceNr;
                parameters[p + 3].Value = row.Payload;
                parameters[p + 4].Value = row.Manifest;
                parameters[p + 5].Value = row.SerializerId;
                parameters[p + 6].Value = (object?)row.WriterUuid ?? DBNull.Value;
            }
            command.ExecuteNonQuery();
        }
        transaction.Commit();
        _rows.Clear();
    }

    // Akka.Persistence.Sql's delete: mark the events deleted, then remove all but the highest marked one, which keeps
    // the highest sequence number readable after a delete of everything.
    private void RunDelete(Delete delete)
    {
        var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var command in new[] { _markDeleted!, _deleteMarked!, _deleteTags! })
        {
            command.Transaction = transaction;
            command.Parameters[0].Value = delete.PersistenceId;
            command.Parameters[1].Value = delete.ToSequenceNr;
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private SqliteConnection Open()
    {
        if (_connection is not null)
        {
            return _connection;
        }
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using (var setup = connection.CreateCommand())
            {
                setup.CommandText = _pragmas + " PRAGMA journal_mode = WAL;";
                setup.ExecuteNonQuery();
            }
            var duplicates = SqliteJournalSchema.Ensure(connection);
            if (duplicates > 0)
            {
                _warn?.Invoke($"The journal holds {duplicates} (persistence_id, sequence_number) pairs stored more than once "
                    + $"(an older writer's); the unique index {SqliteJournalSchema.UniqueIndex} was not made, so a reused "
                    + "sequence number is not refused. Remove the duplicates to have it made at the next start.");
            }
            _markDeleted = Prepared(connection, "UPDATE journal SET deleted = 1 WHERE persistence_id = $p AND sequence_number <= $to;");
            _deleteMarked = Prepared(connection,
                "DELETE FROM journal WHERE persistence_id = $p AND sequence_number <= $to AND sequence_number < "
                + "(SELECT MAX(sequence_number) FROM journal WHERE persistence_id = $p AND deleted = 1);");
            _deleteTags = Prepared(connection, "DELETE FROM tags WHERE persistence_id = $p AND sequence_nr <= $to;");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        _connection = connection;
        return connection;
    }

    private static SqliteCommand Prepared(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add("$p", SqliteType.Text);
        command.Parameters.Add("$to", SqliteType.Integer);
        command.Prepare();
        return command;
    }

    /// <summary>The prepared INSERT of <paramref name="rows"/> rows, made once per row count.</summary>
    private SqliteCommand InsertCommand(SqliteConnection connection, int rows)
    {
        if (_inserts[rows] is { } cached)
        {
            return cached;
        }
        var command = connection.CreateCommand();
        var sql = new System.Text.StringBuilder(
            "INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) VALUES ");
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append($"($c{i}, 0, $p{i}, $s{i}, $m{i}, $f{i}, $i{i}, $w{i})");
            command.Parameters.Add($"$c{i}", SqliteType.Integer);
            command.Parameters.Add($"$p{i}", SqliteType.Text);
            command.Parameters.Add($"$s{i}", SqliteType.Integer);
            command.Parameters.Add($"$m{i}", SqliteType.Blob);
            command.Parameters.Add($"$f{i}", SqliteType.Text);
            command.Parameters.Add($"$i{i}", SqliteType.Integer);
            command.Parameters.Add($"$w{i}", SqliteType.Text);
        }
        command.CommandText = sql.ToString();
        command.Prepare();
        return _inserts[rows] = command;
    }

    private void CloseConnection()
    {
        for (var i = 0; i < _inserts.Length; i++)
        {
            _inserts[i]?.Dispose();
            _inserts[i] = null;
        }
        _markDeleted?.Dispose();
        _deleteMarked?.Dispose();
        _deleteTags?.Dispose();
        _markDeleted = _deleteMarked = _deleteTags = null;
        _connection?.Dispose();
        _connection = null;
    }

    /// <summary>Stops after the queued writes are done (they still commit); later writes fail at once.</summary>
    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        if (_thread is null || _thread.Join(TimeSpan.FromSeconds(10)))
        {
            _wake.Dispose();
        }
        // Writes that slipped in after the thread left are failed, not left waiting.
        while (_queue.TryDequeue(out var operation))
        {
            operation.Completion.TrySetException(new ObjectDisposedException(nameof(SqliteJournalWriter), "The journal writer has stopped."));
        }
    }

    /// <summary>A queued write or delete, and the task its caller waits on (completed off the writer thread).</summary>
    internal abstract class Operation
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long QueuedAt { get; } = Stopwatch.GetTimestamp();
    }

    private sealed class Insert(IReadOnlyList<SqliteJournalRow> rows) : Operation
    {
        public IReadOnlyList<SqliteJournalRow> Rows { get; } = rows;
    }

    private sealed class Delete(string persistenceId, long toSequenceNr) : Operation
    {
        public string PersistenceId { get; } = persistenceId;

        public long ToSequenceNr { get; } = toSequenceNr;
    }
}

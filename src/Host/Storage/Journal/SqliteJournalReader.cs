using Microsoft.Data.Sqlite;

namespace CommunityStream.Host.Storage.Journal;

/// <summary>
/// Replays and highest sequence numbers on a connection of their own, so that reads never wait behind the writer's
/// queue (WAL: readers see every committed transaction and never block the writer). Microsoft.Data.Sqlite runs
/// synchronously, so reads run on the thread pool, one at a time on the one connection.
/// </summary>
internal sealed class SqliteJournalReader(string connectionString, string pragmas) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private SqliteCommand? _replay;
    private SqliteCommand? _highest;
    private volatile bool _disposed;

    /// <summary>Live events of <paramref name="persistenceId"/> in [from, to], oldest first, at most <paramref name="max"/>.</summary>
    public Task ReplayAsync(string persistenceId, long from, long to, long max, Action<SqliteJournalReadRow> onRow) =>
        RunAsync(() =>
        {
            var command = _replay!;
            command.Parameters[0].Value = persistenceId;
            command.Parameters[1].Value = from;
            command.Parameters[2].Value = to;
            command.Parameters[3].Value = max;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                onRow(new SqliteJournalReadRow(
                    reader.GetInt64(0),
                    (byte[])reader.GetValue(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetInt64(5)));
            }
            return 0L;
        });

    /// <summary>The highest sequence number of <paramref name="persistenceId"/> from <paramref name="from"/>, deleted events included; 0 when none.</summary>
    public Task<long> HighestSequenceNrAsync(string persistenceId, long from) =>
        RunAsync(() =>
        {
            var command = _highest!;
            command.Parameters[0].Value = persistenceId;
            command.Parameters[1].Value = from;
            return command.ExecuteScalar() is long highest ? highest : 0L;
        });

    private async Task<T> RunAsync<T>(Func<T> read)
    {
        await _gate.WaitAsync();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await Task.Run(() =>
            {
                try
                {
                    Open();
                    return read();
                }
                catch (SqliteException)
                {
                    Close();
                    throw;
                }
            });
        }
        finally
        {
            _gate.Release();
            // Disposed while this read ran: Dispose could not take the gate, so the connection is closed here.
            CloseIfDisposed();
        }
    }

    private void CloseIfDisposed()
    {
        if (_disposed && _gate.Wait(0))
        {
            try
            {
                Close();
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private void Open()
    {
        if (_connection is not null)
        {
            return;
        }
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using (var setup = connection.CreateCommand())
            {
                setup.CommandText = pragmas;
                setup.ExecuteNonQuery();
            }
            _ = SqliteJournalSchema.Ensure(connection);
            _replay = connection.CreateCommand();
            _replay.CommandText =
                "SELECT sequence_number, message, manifest, identifier, writer_uuid, created FROM journal "
                + "WHERE persistence_id = $p AND sequence_number >= $from AND sequence_number <= $to AND deleted = 0 "
                + "ORDER BY sequence_number LIMIT $max;";
            _replay.Parameters.Add("$p", SqliteType.Text);
            _replay.Parameters.Add("$from", SqliteType.Integer);
            _replay.Parameters.Add("$to", SqliteType.Integer);
            _replay.Parameters.Add("$max", SqliteType.Integer);
            _replay.Prepare();
            _highest = connection.CreateCommand();
            _highest.CommandText = "SELECT MAX(sequence_number) FROM journal WHERE persistence_id = $p AND sequence_number >= $from;";
            _highest.Parameters.Add("$p", SqliteType.Text);
            _highest.Parameters.Add("$from", SqliteType.Integer);
            _highest.Prepare();
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        _connection = connection;
    }

    private void Close()
    {
        _replay?.Dispose();
        _highest?.Dispose();
        _connection?.Dispose();
        _replay = _highest = null;
        _connection = null;
    }

    /// <summary>
    /// Closes the connection now, or after the read in flight (never under it); later reads fail. The gate is never
    /// disposed: a read in flight still releases it, and a SemaphoreSlim without a wait handle holds nothing to free.
    /// </summary>
    public void Dispose()
    {
        // Flag first, then try the gate; a read releases first, then looks at the flag: one of the two closes.
        _disposed = true;
        CloseIfDisposed();
    }
}

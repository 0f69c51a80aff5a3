using CommunityStream.BuildingBlocks;
using Microsoft.Data.Sqlite;

namespace CommunityStream.Host.Storage;

/// <summary>
/// Checkpoints the SQLite file's WAL on a thread of its own, a few times a second, so that no commit does it. With
/// SQLite's automatic checkpoint the commit that crosses 1,000 WAL pages copies them into the database and fsyncs
/// (with <c>synchronous=NORMAL</c> that is the only fsync), and the one journal writer holds every queued chat message
/// for those milliseconds: at 1,000 messages a second in small rooms it happened several times a second and made the
/// latency tail (docs/notes/decisions.md). Here each round first copies the WAL with a passive checkpoint, which runs
/// beside the writers, then restarts it with a <c>RESTART</c> checkpoint, which holds writers only for the few pages
/// committed meanwhile: under continuous writes passive checkpoints alone never catch up and the WAL grows without
/// end. Durability is unchanged: a commit is in the WAL before it is acknowledged, whoever checkpoints it later.
/// </summary>
internal sealed partial class SqliteWalCheckpointer(DatabaseOptions database, ILogger<SqliteWalCheckpointer> log) : IHostedService, IDisposable
{
    /// <summary>How often the WAL is checkpointed; at 1,000 events a second it holds a few hundred pages by then.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (database.Provider == DatabaseProvider.Sqlite && database.SqliteCheckpointsInBackground)
        {
            // A thread, not the pool: Microsoft.Data.Sqlite runs synchronously, and a checkpoint's fsync would hold a
            // pool thread of a 2-core node.
            _thread = new Thread(Run) { IsBackground = true, Name = "sqlite-checkpoint" };
            _thread.Start();
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stop.Cancel();
        _thread?.Join(TimeSpan.FromSeconds(10));
        return Task.CompletedTask;
    }

    public void Dispose() => _stop.Dispose();

    private void Run()
    {
        using var connection = new SqliteConnection(database.ConnectionString);
        do
        {
            try
            {
                if (connection.State != System.Data.ConnectionState.Open)
                {
                    connection.Open();
                    // A restart waits for readers while holding writers back: give up quickly, the next round retries.
                    Execute(connection, "PRAGMA busy_timeout = 10;");
                }
                Execute(connection, "PRAGMA wal_checkpoint(PASSIVE);");
                Execute(connection, "PRAGMA wal_checkpoint(RESTART);");
            }
            catch (SqliteException ex)
            {
                // Busy or locked (another node's checkpoint on the same file): the next round catches up.
                LogCheckpointFailed(log, ex.SqliteErrorCode, ex.Message);
            }
        }
        while (!_stop.Token.WaitHandle.WaitOne(Interval));
        try
        {
            // The node stops: leave as little as possible in the WAL.
            Execute(connection, "PRAGMA wal_checkpoint(PASSIVE);");
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
        {
            LogCheckpointFailed(log, (ex as SqliteException)?.SqliteErrorCode ?? 0, ex.Message);
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "WAL checkpoint skipped (SQLite error {Code}): {Reason}")]
    private static partial void LogCheckpointFailed(ILogger logger, int code, string reason);
}

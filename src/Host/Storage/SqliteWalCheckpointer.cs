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

    // A thread still in a slow checkpoint after StopAsync keeps its token source: disposing it would fail its next wait.
    public void Dispose()
    {
        if (_thread is not { IsAlive: true })
        {
            _stop.Dispose();
        }
    }

    private void Run()
    {
        using var connection = new SqliteConnection(database.ConnectionString);
        var busyRounds = 0;
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
                // A busy restart (a reader held on) is a result, not an error: say so when it lasts, the WAL grows meanwhile.
                var restart = Checkpoint(connection, "RESTART");
                busyRounds = restart.Busy ? busyRounds + 1 : 0;
                if (busyRounds > 0 && busyRounds % RoundsPerMinute == 0)
                {
                    LogRestartBusy(log, busyRounds / RoundsPerMinute, restart.WalPages);
                }
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

    private const int RoundsPerMinute = 240;

    private static (bool Busy, long WalPages) Checkpoint(SqliteConnection connection, string mode)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode});";
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0) != 0, reader.GetInt64(1)) : (false, 0);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SQLite WAL could not restart for {Minutes} min (a reader holds it; {Pages} pages in the WAL)")]
    private static partial void LogRestartBusy(ILogger logger, int minutes, long pages);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WAL checkpoint skipped (SQLite error {Code}): {Reason}")]
    private static partial void LogCheckpointFailed(ILogger logger, int code, string reason);
}

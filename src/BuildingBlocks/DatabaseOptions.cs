using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CommunityStream.BuildingBlocks;

/// <summary>
/// The one database every module shares: the Akka.Persistence journal and snapshot store, and
/// the relational tables of modules such as Identity. Resolved once by the Host from configuration.
/// </summary>
/// <param name="Provider">Which engine.</param>
/// <param name="ConnectionString">A validated connection string for that engine.</param>
public sealed record DatabaseOptions(DatabaseProvider Provider, string ConnectionString)
{
    /// <summary>Durability of SQLite commits (ignored for PostgreSQL); see <see cref="SqliteSynchronous"/>.</summary>
    public SqliteSynchronous SqliteSynchronous { get; init; } = SqliteSynchronous.Normal;

    /// <summary>
    /// Whether a background checkpointer (the Host's <c>SqliteWalCheckpointer</c>) moves the WAL into the database
    /// file. Then no connection checkpoints as it commits: SQLite's automatic checkpoint runs inside the commit that
    /// crosses 1,000 WAL pages, with an fsync, and every journal write queued behind that commit waits for it.
    /// </summary>
    public bool SqliteCheckpointsInBackground { get; init; }

    /// <summary>
    /// Whether the Host's own SQLite journal writes the Akka.Persistence events (one connection, multi-row group
    /// commits) rather than Akka.Persistence.Sql; both use the same tables. Ignored for PostgreSQL.
    /// </summary>
    public bool SqliteDedicatedJournal { get; init; } = true;

    /// <summary>
    /// Pragmas every SQLite connection runs after opening; SQLite keeps them per connection. Several writers
    /// (journal, snapshots, Identity) share one file, so wait for the lock instead of failing at once, and
    /// commit without an fsync unless <see cref="SqliteSynchronous"/> asks for one. (WAL, which NORMAL needs
    /// to stay crash-safe, is stored in the file: Identity's schema step sets it at start-up.)
    /// </summary>
    public string SqliteConnectionPragmas =>
        "PRAGMA busy_timeout = 10000; PRAGMA synchronous = "
        + (SqliteSynchronous == SqliteSynchronous.Full ? "FULL;" : "NORMAL;")
        + (SqliteCheckpointsInBackground ? " PRAGMA wal_autocheckpoint = 0;" : "");

    /// <summary>Opens a new connection of the right ADO.NET type; the caller disposes it.</summary>
    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        DbConnection connection = Provider switch
        {
            DatabaseProvider.Sqlite => new SqliteConnection(ConnectionString),
            DatabaseProvider.PostgreSql => new NpgsqlConnection(ConnectionString),
            _ => throw new InvalidOperationException($"Unknown database provider '{Provider}'."),
        };
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (Provider == DatabaseProvider.Sqlite)
            {
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = SqliteConnectionPragmas;
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>True when the exception is a unique-constraint violation on either engine.</summary>
    public static bool IsUniqueViolation(Exception exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}

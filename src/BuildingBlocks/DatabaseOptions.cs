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
                // Several writers (journal, Identity) share one file: wait for locks instead of failing at once.
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA busy_timeout = 10000;";
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

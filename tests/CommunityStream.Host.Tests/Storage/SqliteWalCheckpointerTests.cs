using CommunityStream.BuildingBlocks;
using CommunityStream.Host.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommunityStream.Host.Tests.Storage;

/// <summary>With the background checkpointer no commit checkpoints, and the WAL still stays small under steady writes.</summary>
public sealed class SqliteWalCheckpointerTests
{
    private const int Transactions = 4_000;
    private const int RowBytes = 100;
    private const long PageBytes = 4_096;

    [Fact]
    public async Task Should_turn_off_checkpoints_in_commits_on_every_connection_the_node_opens()
    {
        using var data = new TempDirectory();
        var database = Database(data);

        await using var connection = await database.OpenConnectionAsync();

        Assert.Equal(0L, await ScalarAsync(connection, "PRAGMA wal_autocheckpoint;"));
    }

    [Fact]
    public async Task Should_keep_the_wal_small_while_a_writer_commits_without_pause()
    {
        using var data = new TempDirectory();
        var database = Database(data);
        var checkpointer = new SqliteWalCheckpointer(database, NullLogger<SqliteWalCheckpointer>.Instance);
        await using var connection = await database.OpenConnectionAsync();
        await ExecuteAsync(connection, "PRAGMA journal_mode = WAL; CREATE TABLE events (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);");

        await checkpointer.StartAsync(CancellationToken.None);
        long largestWal = 0;
        var walPath = Path.Combine(data.Path, "test.db-wal");
        try
        {
            // Small rows, one per transaction, about 1,000 a second (the journal's shape in many small rooms): every
            // commit appends at least one page to the WAL, so without the checkpointer (and with every commit's
            // checkpoint turned off) it would grow past 16 MB.
            var deadline = DateTime.UtcNow.AddSeconds(4);
            for (var i = 0; i < Transactions; i++)
            {
                await ExecuteAsync(connection, "INSERT INTO events (payload) VALUES (randomblob(" + RowBytes + "));");
                largestWal = Math.Max(largestWal, new FileInfo(walPath).Length);
                var remaining = (deadline - DateTime.UtcNow) / (Transactions - i);
                if (remaining > TimeSpan.Zero && i % 20 == 0)
                {
                    await Task.Delay(remaining * 20);
                }
            }
        }
        finally
        {
            await checkpointer.StopAsync(CancellationToken.None);
            checkpointer.Dispose();
        }

        Assert.Equal(Transactions, await ScalarAsync(connection, "SELECT count(*) FROM events;"));
        Assert.True(largestWal < Transactions * PageBytes / 4, $"the WAL grew to {largestWal:N0} bytes");
    }

    private static DatabaseOptions Database(TempDirectory data) =>
        new(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(data.Path, "test.db")};Pooling=False") { SqliteCheckpointsInBackground = true };

    private static async Task ExecuteAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

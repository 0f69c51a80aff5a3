using CommunityStream.BuildingBlocks;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CommunityStream.Identity.Tests.Support;

/// <summary>A fresh, empty database for one test class; dropped or deleted afterwards.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "CS_TEST_POSTGRES";
    public const string RequirePostgresVariable = "CS_TEST_REQUIRE_POSTGRES";

    /// <summary>Null when the engine is unavailable (see <see cref="SkipReason"/>).</summary>
    public DatabaseOptions? Options { get; protected init; }

    public string? SkipReason { get; protected init; }

    public abstract ValueTask DisposeAsync();

    public static TestDatabase CreateSqlite(string directory) => new SqliteTestDatabase(directory);

    public static async Task<TestDatabase> CreatePostgresAsync()
    {
        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            if (Environment.GetEnvironmentVariable(RequirePostgresVariable) == "1")
            {
                throw new InvalidOperationException($"{RequirePostgresVariable}=1 but {PostgresVariable} is not set.");
            }
            return new UnavailableDatabase($"PostgreSQL tests skipped: set {PostgresVariable} to an admin connection string (e.g. from .ci/start-postgres.sh).");
        }
        var name = "cs_identity_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new PostgresTestDatabase(admin, name, new DatabaseOptions(DatabaseProvider.PostgreSql, builder.ConnectionString));
    }

    private sealed class SqliteTestDatabase : TestDatabase
    {
        public SqliteTestDatabase(string directory)
        {
            Options = new DatabaseOptions(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory, "communitystream.db")}");
        }

        public override ValueTask DisposeAsync()
        {
            // Pooled connections keep the file open; the temp directory is removed by the fixture.
            SqliteConnection.ClearAllPools();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class PostgresTestDatabase : TestDatabase
    {
        private readonly string _admin;
        private readonly string _name;

        public PostgresTestDatabase(string admin, string name, DatabaseOptions options)
        {
            _admin = admin;
            _name = name;
            Options = options;
        }

        public override async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE);", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private sealed class UnavailableDatabase : TestDatabase
    {
        public UnavailableDatabase(string reason)
        {
            SkipReason = reason;
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

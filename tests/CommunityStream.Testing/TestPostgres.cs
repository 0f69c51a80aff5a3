using Npgsql;

namespace CommunityStream.Testing;

/// <summary>
/// A fresh PostgreSQL database per test on the server named by <c>CS_TEST_POSTGRES</c> (set by .ci/run).
/// Without it the test is skipped with a visible reason, unless <c>CS_TEST_REQUIRE_POSTGRES=1</c> makes that a failure.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private TestPostgres(string adminConnectionString, string database)
    {
        _adminConnectionString = adminConnectionString;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;
        Database = database;
    }

    public string ConnectionString { get; }

    public string Database { get; }

    public static async Task<TestPostgres> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable("CS_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(admin))
        {
            if (Environment.GetEnvironmentVariable("CS_TEST_REQUIRE_POSTGRES") == "1")
            {
                throw new InvalidOperationException("CS_TEST_REQUIRE_POSTGRES=1 but CS_TEST_POSTGRES is not set");
            }
            Skip.If(true, "CS_TEST_POSTGRES is not set: run .ci/start-postgres.sh and export its output to run PostgreSQL tests");
        }
        var database = "cs_test_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
        await command.ExecuteNonQueryAsync();
        return new TestPostgres(admin!, database);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

using CommunityStream.BuildingBlocks;

namespace CommunityStream.Host.Tests.Clustering;

/// <summary>A real database for lease tests: a fresh SQLite file, or a fresh PostgreSQL database when asked for.</summary>
internal sealed class LeaseDatabase : IAsyncDisposable
{
    private readonly TempDirectory? _directory;
    private readonly TestPostgres? _postgres;

    private LeaseDatabase(DatabaseOptions options, TempDirectory? directory, TestPostgres? postgres)
    {
        Options = options;
        _directory = directory;
        _postgres = postgres;
    }

    public DatabaseOptions Options { get; }

    public static async Task<LeaseDatabase> CreateAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.PostgreSql)
        {
            var postgres = await TestPostgres.CreateAsync();
            return new LeaseDatabase(new DatabaseOptions(DatabaseProvider.PostgreSql, postgres.ConnectionString), null, postgres);
        }
        var directory = new TempDirectory();
        var file = System.IO.Path.Combine(directory.Path, "leases.db");
        return new LeaseDatabase(new DatabaseOptions(DatabaseProvider.Sqlite, $"Data Source={file};Pooling=false"), directory, null);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await Options.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        _directory?.Dispose();
    }
}

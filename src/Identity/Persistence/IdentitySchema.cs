using System.Data.Common;
using CommunityStream.BuildingBlocks;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Identity.Persistence;

/// <summary>Applies <see cref="SchemaMigrations"/> once per process; safe when several nodes start together.</summary>
internal sealed class IdentitySchema(DatabaseOptions database, ILogger<IdentitySchema> logger) : IDisposable
{
    // Arbitrary but fixed: serialises migrations of concurrently starting nodes on PostgreSQL.
    private const long PostgresAdvisoryLockKey = 0x1D_E7_17_5C;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_ready)
            {
                await MigrateAsync(cancellationToken);
                _ready = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets the Akka journal and Identity share the file; the mode persists in the file, so once suffices.
            await using var wal = connection.WithSql("PRAGMA journal_mode=WAL;");
            await wal.ExecuteScalarAsync(cancellationToken);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (database.Provider == DatabaseProvider.PostgreSql)
        {
            await using var lockCommand = connection.WithSql("SELECT pg_advisory_xact_lock(@key);", transaction).With("key", PostgresAdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var versionTable = connection.WithSql(
            "CREATE TABLE IF NOT EXISTS identity_schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL);", transaction))
        {
            await versionTable.ExecuteNonQueryAsync(cancellationToken);
        }

        var current = await ReadVersionAsync(connection, transaction, cancellationToken);
        foreach (var (version, sql) in SchemaMigrations.All.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            await using (var migration = connection.WithSql(sql, transaction))
            {
                await migration.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var record = connection.WithSql(
                "INSERT INTO identity_schema_version (version, applied_at) VALUES (@version, @at);", transaction)
                .With("version", version)
                .With("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))
            {
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
            logger.SchemaMigrated(version);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<long> ReadVersionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.WithSql("SELECT COALESCE(MAX(version), 0) FROM identity_schema_version;", transaction);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}

using System.Data.Common;
using System.Globalization;
using CommunityStream.BuildingBlocks;

namespace CommunityStream.Host.Clustering.Leases;

/// <summary>
/// The <c>cluster_leases</c> table in the shared database: one row per lease (<c>name</c>), held by <c>owner</c> until
/// <c>expires_at</c> (milliseconds since the epoch on the <b>database's</b> clock, so the nodes' clocks never have to
/// agree). Every statement is a single atomic upsert, update or delete; the database decides who holds what.
/// </summary>
internal sealed class SqlLeaseStore(DatabaseOptions database)
{
    private Task? _schema;

    /// <summary>The database's clock in milliseconds since the epoch, as an SQL expression.</summary>
    private string Now => database.Provider == DatabaseProvider.PostgreSql
        ? "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
        : "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

    /// <summary>
    /// Takes <paramref name="name"/> for <paramref name="owner"/> for <paramref name="ttl"/> when it is free, expired,
    /// or already <paramref name="owner"/>'s. Returns false when another owner holds it.
    /// </summary>
    public async Task<bool> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().WaitAsync(cancellationToken);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await TryAcquireAsync(connection, null, name, owner, ttl, cancellationToken);
    }

    /// <summary>Extends every lease in <paramref name="names"/> that <paramref name="owner"/> still holds; returns those.</summary>
    public async Task<IReadOnlySet<string>> RenewAsync(string owner, IReadOnlyCollection<string> names, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var renewed = new HashSet<string>(StringComparer.Ordinal);
        if (names.Count == 0)
        {
            return renewed;
        }
        await EnsureSchemaAsync().WaitAsync(cancellationToken);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var placeholders = new List<string>(names.Count);
        foreach (var name in names)
        {
            var parameter = "@n" + placeholders.Count.ToString(CultureInfo.InvariantCulture);
            placeholders.Add(parameter);
            Add(command, parameter, name);
        }
        command.CommandText =
            $"UPDATE cluster_leases SET expires_at = {Now} + @ttl WHERE owner = @owner AND name IN ({string.Join(", ", placeholders)}) RETURNING name";
        Add(command, "@owner", owner);
        Add(command, "@ttl", (long)ttl.TotalMilliseconds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            renewed.Add(reader.GetString(0));
        }
        return renewed;
    }

    /// <summary>Gives <paramref name="name"/> up if <paramref name="owner"/> holds it; true when a row was removed.</summary>
    public async Task<bool> ReleaseAsync(string name, string owner, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().WaitAsync(cancellationToken);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM cluster_leases WHERE name = @name AND owner = @owner";
        Add(command, "@name", name);
        Add(command, "@owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The holders of every lease whose name starts with <paramref name="prefix"/>, with the time left on each (negative once expired).</summary>
    public async Task<IReadOnlyList<LeaseHolder>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().WaitAsync(cancellationToken);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await ListAsync(connection, null, prefix, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="decide"/> on the holders of the leases under <paramref name="prefix"/> while holding the
    /// <paramref name="mutex"/> row's lock, and takes <paramref name="name"/> for <paramref name="owner"/> in the same
    /// transaction when it says so. Two nodes that ask at once are serialized: the second sees the first's row.
    /// </summary>
    public async Task<bool> TryAcquireExclusiveAsync(
        string mutex, string prefix, Func<IReadOnlyList<LeaseHolder>, bool> decide, string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().WaitAsync(cancellationToken);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockRow = connection.CreateCommand())
        {
            // A write to the mutex row takes its row lock (PostgreSQL) or the file's write lock (SQLite) until commit.
            lockRow.Transaction = transaction;
            lockRow.CommandText =
                "INSERT INTO cluster_leases (name, owner, expires_at) VALUES (@name, @owner, 0) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner";
            Add(lockRow, "@name", mutex);
            Add(lockRow, "@owner", owner);
            await lockRow.ExecuteNonQueryAsync(cancellationToken);
        }
        var holders = await ListAsync(connection, transaction, prefix, cancellationToken);
        var acquired = decide(holders) && await TryAcquireAsync(connection, transaction, name, owner, ttl, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return acquired;
    }

    private async Task<bool> TryAcquireAsync(DbConnection connection, DbTransaction? transaction, string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            $"""
            INSERT INTO cluster_leases (name, owner, expires_at) VALUES (@name, @owner, {Now} + @ttl)
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE cluster_leases.owner = excluded.owner OR cluster_leases.expires_at < {Now}
            """;
        Add(command, "@name", name);
        Add(command, "@owner", owner);
        Add(command, "@ttl", (long)ttl.TotalMilliseconds);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<IReadOnlyList<LeaseHolder>> ListAsync(DbConnection connection, DbTransaction? transaction, string prefix, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // substr, not LIKE (names hold '_') nor a range (its end depends on PostgreSQL's collation); the table is small.
        command.CommandText = $"SELECT name, owner, expires_at - {Now} FROM cluster_leases WHERE substr(name, 1, @length) = @prefix ORDER BY name";
        Add(command, "@prefix", prefix);
        Add(command, "@length", prefix.Length);
        var holders = new List<LeaseHolder>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            holders.Add(new LeaseHolder(reader.GetString(0), reader.GetString(1), TimeSpan.FromMilliseconds(reader.GetInt64(2))));
        }
        return holders;
    }

    // Created on first use; a failed attempt (database down at start) is retried by the next call.
    private Task EnsureSchemaAsync()
    {
        var schema = _schema;
        if (schema is null || schema.IsFaulted || schema.IsCanceled)
        {
            schema = CreateSchemaAsync(database);
            _schema = schema;
        }
        return schema;
    }

    private static async Task CreateSchemaAsync(DatabaseOptions database)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText =
            "CREATE TABLE IF NOT EXISTS cluster_leases (name VARCHAR(512) PRIMARY KEY, owner VARCHAR(512) NOT NULL, expires_at BIGINT NOT NULL)";
        try
        {
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (DatabaseOptions.IsUniqueViolation(ex))
        {
            // PostgreSQL: two nodes creating the table at the same moment; the other one won.
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

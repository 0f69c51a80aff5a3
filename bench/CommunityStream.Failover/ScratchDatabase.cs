using System.Globalization;
using Npgsql;

namespace CommunityStream.Failover;

/// <summary>A fresh PostgreSQL database for one run, dropped at the end (the server's other databases are untouched).</summary>
internal sealed class ScratchDatabase(string serverConnectionString, string name)
{
    public string Name => name;

    public string ConnectionString => new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;

    public static async Task<ScratchDatabase> CreateAsync(string serverConnectionString)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"cs_failover_{DateTime.UtcNow:yyyyMMdd_HHmmss}_{Random.Shared.Next(1000, 9999)}");
        await ExecuteAsync(serverConnectionString, $"CREATE DATABASE \"{name}\"");
        return new ScratchDatabase(serverConnectionString, name);
    }

    public Task DropAsync() => ExecuteAsync(serverConnectionString, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

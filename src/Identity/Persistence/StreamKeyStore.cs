using CommunityStream.BuildingBlocks;

namespace CommunityStream.Identity.Persistence;

/// <summary>Reads and writes <c>identity_stream_keys</c>: one current key hash per user.</summary>
internal sealed class StreamKeyStore(DatabaseOptions database)
{
    /// <summary>Replaces the user's key in one statement, so the old key stops working the moment the new one exists.</summary>
    public async Task UpsertAsync(Guid userId, string keyHash, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql("""
            INSERT INTO identity_stream_keys (user_id, key_hash, created_at) VALUES (@userId, @hash, @createdAt)
            ON CONFLICT (user_id) DO UPDATE SET key_hash = excluded.key_hash, created_at = excluded.created_at;
            """)
            .With("userId", userId.ToString())
            .With("hash", keyHash)
            .With("createdAt", createdAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<string?> FindHashAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql("SELECT key_hash FROM identity_stream_keys WHERE user_id = @userId;")
            .With("userId", userId.ToString());
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>When the user's current key was created; null when there is none.</summary>
    public async Task<DateTimeOffset?> FindCreatedAtAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql("SELECT created_at FROM identity_stream_keys WHERE user_id = @userId;")
            .With("userId", userId.ToString());
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull
            ? null
            : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Removes the user's key: no encoder can publish with it any more.</summary>
    public async Task DeleteAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql("DELETE FROM identity_stream_keys WHERE user_id = @userId;")
            .With("userId", userId.ToString());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

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
}

using CommunityStream.BuildingBlocks;

namespace CommunityStream.Identity.Persistence;

/// <summary>A row of <c>identity_refresh_tokens</c>; only the SHA-256 of the token is stored.</summary>
internal sealed record RefreshTokenRecord(
    string TokenHash,
    Guid UserId,
    Guid FamilyId,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? ConsumedAt,
    DateTimeOffset? RevokedAt);

/// <summary>Reads and writes <c>identity_refresh_tokens</c>. A family is one login's chain of rotated tokens.</summary>
internal sealed class RefreshTokenStore(DatabaseOptions database)
{
    public async Task InsertAsync(string tokenHash, Guid userId, Guid familyId, DateTimeOffset createdAt, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql("""
            INSERT INTO identity_refresh_tokens (token_hash, user_id, family_id, created_at, expires_at)
            VALUES (@hash, @userId, @familyId, @createdAt, @expiresAt);
            """)
            .With("hash", tokenHash)
            .With("userId", userId.ToString())
            .With("familyId", familyId.ToString())
            .With("createdAt", createdAt.ToUnixTimeMilliseconds())
            .With("expiresAt", expiresAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<RefreshTokenRecord?> FindAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql(
            "SELECT token_hash, user_id, family_id, expires_at, consumed_at, revoked_at FROM identity_refresh_tokens WHERE token_hash = @hash;")
            .With("hash", tokenHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new RefreshTokenRecord(
            reader.GetString(0),
            Guid.Parse(reader.GetString(1)),
            Guid.Parse(reader.GetString(2)),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64Any(3)),
            ToTime(reader.GetNullableInt64(4)),
            ToTime(reader.GetNullableInt64(5)));
    }

    /// <summary>Marks the token used; false when another request used or revoked it first (the compare-and-set that makes reuse detectable).</summary>
    public async Task<bool> TryConsumeAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql(
            "UPDATE identity_refresh_tokens SET consumed_at = @now WHERE token_hash = @hash AND consumed_at IS NULL AND revoked_at IS NULL;")
            .With("now", now.ToUnixTimeMilliseconds())
            .With("hash", tokenHash);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public Task<int> RevokeFamilyAsync(Guid familyId, DateTimeOffset now, CancellationToken cancellationToken) =>
        RevokeAsync("family_id", familyId, now, cancellationToken);

    public Task<int> RevokeAllForUserAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        RevokeAsync("user_id", userId, now, cancellationToken);

    /// <summary>Revokes every family of the user except <paramref name="keepFamily"/> (the caller's own login, if any).</summary>
    public async Task<int> RevokeAllForUserExceptAsync(Guid userId, Guid? keepFamily, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (keepFamily is null)
        {
            return await RevokeAllForUserAsync(userId, now, cancellationToken);
        }
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql(
            "UPDATE identity_refresh_tokens SET revoked_at = @now WHERE user_id = @userId AND family_id <> @keep AND revoked_at IS NULL;")
            .With("now", now.ToUnixTimeMilliseconds())
            .With("userId", userId.ToString())
            .With("keep", keepFamily.Value.ToString());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<int> RevokeAsync(string column, Guid value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql(
            $"UPDATE identity_refresh_tokens SET revoked_at = @now WHERE {column} = @value AND revoked_at IS NULL;")
            .With("now", now.ToUnixTimeMilliseconds())
            .With("value", value.ToString());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Expired tokens can never be used again, so their rows only cost space.</summary>
    public async Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql("DELETE FROM identity_refresh_tokens WHERE expires_at < @now;")
            .With("now", now.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DateTimeOffset? ToTime(long? milliseconds) =>
        milliseconds is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}

using System.Data.Common;
using CommunityStream.BuildingBlocks;

namespace CommunityStream.Identity.Persistence;

/// <summary>The outcome of inserting a user; duplicates come from the unique indexes, so concurrent inserts cannot both win.</summary>
internal enum InsertUserResult
{
    Inserted,
    DuplicateUsername,
    DuplicateEmail,
}

/// <summary>Reads and writes <c>identity_users</c>.</summary>
internal sealed class UserStore(DatabaseOptions database)
{
    private const string Columns = "id, username, email, password_hash, roles, disabled, created_at";

    public async Task<InsertUserResult> InsertAsync(UserRecord user, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql("""
            INSERT INTO identity_users (id, username, username_normalized, email, email_normalized, password_hash, roles, disabled, created_at)
            VALUES (@id, @username, @usernameNormalized, @email, @emailNormalized, @passwordHash, @roles, @disabled, @createdAt);
            """)
            .With("id", user.Id.ToString())
            .With("username", user.Username)
            .With("usernameNormalized", UserRecord.Normalize(user.Username))
            .With("email", user.Email)
            .With("emailNormalized", UserRecord.Normalize(user.Email))
            .With("passwordHash", user.PasswordHash)
            .With("roles", UserRecord.JoinRoles(user.Roles))
            .With("disabled", user.Disabled ? 1 : 0)
            .With("createdAt", user.CreatedAt.ToUnixTimeMilliseconds());
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return InsertUserResult.Inserted;
        }
        catch (DbException exception) when (DatabaseOptions.IsUniqueViolation(exception))
        {
            // Which index fired is engine-specific text; asking again is portable.
            return await FindByUsernameAsync(user.Username, cancellationToken) is not null
                ? InsertUserResult.DuplicateUsername
                : InsertUserResult.DuplicateEmail;
        }
    }

    public Task<UserRecord?> FindByIdAsync(Guid id, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {Columns} FROM identity_users WHERE id = @value;", id.ToString(), cancellationToken);

    public Task<UserRecord?> FindByUsernameAsync(string username, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {Columns} FROM identity_users WHERE username_normalized = @value;", UserRecord.Normalize(username), cancellationToken);

    public Task<UserRecord?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {Columns} FROM identity_users WHERE email_normalized = @value;", UserRecord.Normalize(email), cancellationToken);

    /// <summary>Usernames cannot contain '@', so a login with '@' is an email.</summary>
    public Task<UserRecord?> FindByLoginAsync(string login, CancellationToken cancellationToken) =>
        login.Contains('@', StringComparison.Ordinal) ? FindByEmailAsync(login, cancellationToken) : FindByUsernameAsync(login, cancellationToken);

    public Task<bool> SetRolesAsync(Guid id, IReadOnlyList<string> roles, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE identity_users SET roles = @value WHERE id = @id;", id, UserRecord.JoinRoles(roles), cancellationToken);

    /// <summary>Disabling stamps <c>disabled_at</c> with <paramref name="at"/>; enabling clears it.</summary>
    public async Task<bool> SetDisabledAsync(Guid id, bool disabled, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql("UPDATE identity_users SET disabled = @value, disabled_at = @at WHERE id = @id;")
            .With("value", disabled ? 1 : 0)
            .With("at", disabled ? at.ToUnixTimeMilliseconds() : DBNull.Value)
            .With("id", id.ToString());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Ids of the accounts disabled at or after <paramref name="since"/> and still disabled (indexed).</summary>
    public async Task<IReadOnlyList<Guid>> FindDisabledSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql("SELECT id FROM identity_users WHERE disabled_at >= @since AND disabled = 1;")
            .With("since", since.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(Guid.Parse(reader.GetString(0)));
        }
        return ids;
    }

    public Task<bool> SetPasswordHashAsync(Guid id, string passwordHash, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE identity_users SET password_hash = @value WHERE id = @id;", id, passwordHash, cancellationToken);

    private async Task<bool> UpdateAsync(string sql, Guid id, object value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql(sql).With("value", value).With("id", id.ToString());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<UserRecord?> FindOneAsync(string sql, string value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql(sql).With("value", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new UserRecord(
            Guid.Parse(reader.GetString(0)),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            UserRecord.SplitRoles(reader.GetString(4)),
            reader.GetInt64Any(5) != 0,
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64Any(6)));
    }
}

using System.Data.Common;
using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Contracts;

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
    private const string Columns = "id, username, email, password_hash, roles, disabled, created_at, last_login_at, sessions_revoked_at, deleted_at";

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

    /// <summary>Disabling stamps <c>disabled_at</c> with <paramref name="at"/>; enabling clears it. A deleted account stays disabled (false).</summary>
    public async Task<bool> SetDisabledAsync(Guid id, bool disabled, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql(disabled
                ? "UPDATE identity_users SET disabled = @value, disabled_at = @at WHERE id = @id;"
                : "UPDATE identity_users SET disabled = @value, disabled_at = @at WHERE id = @id AND deleted_at IS NULL;")
            .With("value", disabled ? 1 : 0)
            .With("at", disabled ? at.ToUnixTimeMilliseconds() : DBNull.Value)
            .With("id", id.ToString());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Ids of the accounts disabled at or after <paramref name="since"/> and still disabled (indexed).</summary>
    public Task<IReadOnlyList<Guid>> FindDisabledSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        FindIdsSinceAsync("SELECT id FROM identity_users WHERE disabled_at >= @since AND disabled = 1;", since, cancellationToken);

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
        return Read(reader);
    }

    private static UserRecord Read(DbDataReader reader) => new(
        Guid.Parse(reader.GetString(0)),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        UserRecord.SplitRoles(reader.GetString(4)),
        reader.GetInt64Any(5) != 0,
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64Any(6)),
        ToTime(reader.GetNullableInt64(7)),
        ToTime(reader.GetNullableInt64(8)),
        ToTime(reader.GetNullableInt64(9)));

    private static DateTimeOffset? ToTime(long? milliseconds) =>
        milliseconds is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;

    /// <summary>
    /// A page of accounts ordered by username, and how many match: <paramref name="prefix"/> matches the start of the
    /// username or email (case-insensitive), <paramref name="role"/> one of the roles.
    /// </summary>
    public async Task<(IReadOnlyList<UserRecord> Page, long Total)> ListAsync(string? role, string? prefix, int limit, int offset, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        if (!string.IsNullOrEmpty(prefix))
        {
            // LIKE with our own escape character: '_' is common in usernames and must match itself.
            where.Add(@"(username_normalized LIKE @prefix ESCAPE '\' OR email_normalized LIKE @prefix ESCAPE '\')");
        }
        if (!string.IsNullOrEmpty(role))
        {
            where.Add("(',' || roles || ',') LIKE @role");
        }
        var filter = where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where);
        var pattern = string.IsNullOrEmpty(prefix) ? null : EscapeLike(UserRecord.Normalize(prefix)) + "%";
        var rolePattern = string.IsNullOrEmpty(role) ? null : "%," + role.ToLowerInvariant() + ",%";

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        long total;
        await using (var count = Filtered(connection.WithSql($"SELECT COUNT(*) FROM identity_users{filter};"), pattern, rolePattern))
        {
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        await using var command = Filtered(connection.WithSql($"SELECT {Columns} FROM identity_users{filter} ORDER BY username_normalized LIMIT @limit OFFSET @offset;"), pattern, rolePattern)
            .With("limit", limit).With("offset", offset);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var page = new List<UserRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add(Read(reader));
        }
        return (page, total);
    }

    // Only the parameters the statement uses: PostgreSQL cannot type an unused null parameter.
    private static DbCommand Filtered(DbCommand command, string? prefix, string? role)
    {
        if (prefix is not null)
        {
            command.With("prefix", prefix);
        }
        return role is null ? command : command.With("role", role);
    }

    private static string EscapeLike(string value) =>
        value.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);

    public Task<bool> SetLastLoginAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE identity_users SET last_login_at = @value WHERE id = @id;", id, at.ToUnixTimeMilliseconds(), cancellationToken);

    /// <summary>Stamps <c>sessions_revoked_at</c>: access tokens issued before it are refused from now on.</summary>
    public Task<bool> SetSessionsRevokedAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE identity_users SET sessions_revoked_at = @value WHERE id = @id;", id, at.ToUnixTimeMilliseconds(), cancellationToken);

    /// <summary>Ids of the accounts whose sessions were revoked at or after <paramref name="since"/> (indexed).</summary>
    public Task<IReadOnlyList<Guid>> FindSessionsRevokedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        FindIdsSinceAsync("SELECT id FROM identity_users WHERE sessions_revoked_at >= @since;", since, cancellationToken);

    private async Task<IReadOnlyList<Guid>> FindIdsSinceAsync(string sql, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql(sql).With("since", since.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(Guid.Parse(reader.GetString(0)));
        }
        return ids;
    }

    /// <summary>
    /// Marks the account deleted, disabled (so every node's disabled-account sweeps end its chat sockets and live
    /// stream) and its sessions revoked, all stamped <paramref name="at"/>. False when it does not exist or was deleted already.
    /// </summary>
    public async Task<bool> MarkDeletedAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql("""
            UPDATE identity_users SET deleted_at = @at, disabled = 1, disabled_at = @at, sessions_revoked_at = @at
            WHERE id = @id AND deleted_at IS NULL;
            """)
            .With("at", at.ToUnixTimeMilliseconds())
            .With("id", id.ToString());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Ids of the accounts deleted at or after <paramref name="since"/> (indexed).</summary>
    public Task<IReadOnlyList<Guid>> FindDeletedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        FindIdsSinceAsync("SELECT id FROM identity_users WHERE deleted_at >= @since;", since, cancellationToken);

    /// <summary>Deleted accounts whose names are not freed yet, with those names, oldest deletion first.</summary>
    public async Task<IReadOnlyList<DeletedAccountName>> FindDeletedNamesNotFreedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql("""
            SELECT id, username, deleted_at FROM identity_users
            WHERE deleted_at IS NOT NULL AND names_freed = 0 ORDER BY deleted_at, id;
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new List<DeletedAccountName>();
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(new DeletedAccountName(Guid.Parse(reader.GetString(0)), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
        }
        return names;
    }

    /// <summary>
    /// Frees the username and email of accounts deleted before <paramref name="cutoff"/>: the row stays (its id still
    /// names a deleted author), but its name, email and password hash are replaced by values no login or registration
    /// can match (<c>~</c> is never part of a valid username or email key). Returns how many accounts were freed.
    /// </summary>
    public async Task<int> FreeNamesOfDeletedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.WithSql("""
            UPDATE identity_users
            SET username = 'deleted', username_normalized = '~deleted:' || id, email = '', email_normalized = '~deleted:' || id,
                password_hash = '', names_freed = 1
            WHERE deleted_at < @cutoff AND names_freed = 0;
            """)
            .With("cutoff", cutoff.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

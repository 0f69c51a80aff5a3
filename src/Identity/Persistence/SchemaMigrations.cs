namespace CommunityStream.Identity.Persistence;

/// <summary>
/// The Identity schema as an append-only list. Never edit a shipped entry: add a new version. The SQL uses
/// only types and syntax both SQLite and PostgreSQL accept (TEXT ids, BIGINT unix-millisecond times,
/// INTEGER flags), so one list serves both engines.
/// </summary>
internal static class SchemaMigrations
{
    public static IReadOnlyList<(int Version, string Sql)> All { get; } =
    [
        (1, """
            CREATE TABLE IF NOT EXISTS identity_users (
                id TEXT PRIMARY KEY,
                username TEXT NOT NULL,
                username_normalized TEXT NOT NULL,
                email TEXT NOT NULL,
                email_normalized TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                roles TEXT NOT NULL,
                disabled INTEGER NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL
            );
            CREATE UNIQUE INDEX IF NOT EXISTS ux_identity_users_username ON identity_users (username_normalized);
            CREATE UNIQUE INDEX IF NOT EXISTS ux_identity_users_email ON identity_users (email_normalized);
            CREATE TABLE IF NOT EXISTS identity_refresh_tokens (
                token_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES identity_users (id),
                family_id TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                consumed_at BIGINT NULL,
                revoked_at BIGINT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_identity_refresh_tokens_family ON identity_refresh_tokens (family_id);
            CREATE INDEX IF NOT EXISTS ix_identity_refresh_tokens_user ON identity_refresh_tokens (user_id);
            CREATE TABLE IF NOT EXISTS identity_stream_keys (
                user_id TEXT PRIMARY KEY REFERENCES identity_users (id),
                key_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL
            );
            """),
        // When an account was last disabled (unix ms; NULL while enabled): lets every node find recent disables
        // cheaply and close those accounts' long-lived sessions (Chat's sockets).
        (2, """
            ALTER TABLE identity_users ADD COLUMN disabled_at BIGINT NULL;
            CREATE INDEX IF NOT EXISTS ix_identity_users_disabled_at ON identity_users (disabled_at);
            """),
        // For administrators: when the account last logged in, and when its sessions were revoked (unix ms). Access
        // tokens issued before sessions_revoked_at are refused, and every node closes the account's chat sockets.
        (3, """
            ALTER TABLE identity_users ADD COLUMN last_login_at BIGINT NULL;
            ALTER TABLE identity_users ADD COLUMN sessions_revoked_at BIGINT NULL;
            CREATE INDEX IF NOT EXISTS ix_identity_users_sessions_revoked_at ON identity_users (sessions_revoked_at);
            """),
        // When the owner deleted the account (unix ms; NULL for live accounts). A deleted account is also disabled; after
        // Identity:DeletedAccountGraceDays its username and email are freed (names_freed = 1) and its chat messages keep
        // showing a "deleted user" author by id.
        (4, """
            ALTER TABLE identity_users ADD COLUMN deleted_at BIGINT NULL;
            ALTER TABLE identity_users ADD COLUMN names_freed INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX IF NOT EXISTS ix_identity_users_deleted_at ON identity_users (deleted_at);
            """),
    ];
}

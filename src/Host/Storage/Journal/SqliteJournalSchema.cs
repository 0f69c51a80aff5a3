using Microsoft.Data.Sqlite;

namespace CommunityStream.Host.Storage.Journal;

/// <summary>
/// The tables Akka.Persistence.Sql creates on SQLite (its default mapping, tag table mode), so that a file written by
/// either journal is read by the other. Created only when missing; an existing file keeps its tables. The one
/// addition is a unique index on (persistence_id, sequence_number): without it every replay, highest-sequence read and
/// pruning delete scans the whole table, and with it a write that reuses a sequence number fails instead of being
/// stored beside the first (Akka.Persistence.Sql reads and writes the same file unaffected by it). A file that already
/// holds such duplicates keeps a non-unique index instead: starting must not fail on old data.
/// </summary>
internal static class SqliteJournalSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS [journal]
        (
        	[ordering]        INTEGER        NOT NULL PRIMARY KEY AUTOINCREMENT,
        	[created]         INTEGER        NOT NULL,
        	[deleted]         Bit            NOT NULL,
        	[persistence_id]  NVarChar(255)  NOT NULL,
        	[sequence_number] INTEGER        NOT NULL,
        	[message]         VarBinary      NOT NULL,
        	[manifest]        NVarChar(500)      NULL,
        	[identifier]      INTEGER            NULL,
        	[writer_uuid]     NVarChar(128)      NULL
        );
        CREATE TABLE IF NOT EXISTS [tags]
        (
        	[ordering_id]    INTEGER       NOT NULL,
        	[tag]            NVarChar(64)  NOT NULL,
        	[sequence_nr]    INTEGER       NOT NULL,
        	[persistence_id] NVarChar(255) NOT NULL,

        	CONSTRAINT [PK_tags] PRIMARY KEY ([ordering_id], [tag])
        );
        """;

    /// <summary>The unique index; its absence means either a file not yet checked or one holding duplicates.</summary>
    public const string UniqueIndex = "journal_uq";

    private const string NonUniqueIndex = "journal_persistence_id_sequence_number_idx";

    /// <summary>
    /// Creates what is missing. Returns how many (persistence_id, sequence_number) pairs occur more than once: 0, or the
    /// count that kept the unique index from being made (the caller warns).
    /// </summary>
    public static long Ensure(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Create + $"SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '{UniqueIndex}';";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
        {
            return 0;
        }
        // The non-unique index first, so that the duplicate check is one index scan, not a sort of the table.
        command.CommandText = $"""
            CREATE INDEX IF NOT EXISTS {NonUniqueIndex} ON journal (persistence_id, sequence_number);
            SELECT count(*) FROM (SELECT 1 FROM journal GROUP BY persistence_id, sequence_number HAVING count(*) > 1);
            """;
        var duplicates = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (duplicates > 0)
        {
            return duplicates;
        }
        // The unique index serves every read the other did: one index updated per insert, not two.
        command.CommandText = $"""
            CREATE UNIQUE INDEX IF NOT EXISTS {UniqueIndex} ON journal (persistence_id, sequence_number);
            DROP INDEX IF EXISTS {NonUniqueIndex};
            """;
        command.ExecuteNonQuery();
        return 0;
    }
}

using Microsoft.Data.Sqlite;

namespace CommunityStream.Host.Storage.Journal;

/// <summary>
/// The tables Akka.Persistence.Sql creates on SQLite (its default mapping, tag table mode), so that a file written by
/// either journal is read by the other. Created only when missing; an existing file keeps its tables. The one
/// addition is an index on (persistence_id, sequence_number): without it every replay, highest-sequence read and
/// pruning delete scans the whole table, and Akka.Persistence.Sql reads and writes the same file unaffected by it.
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
        CREATE INDEX IF NOT EXISTS journal_persistence_id_sequence_number_idx ON journal (persistence_id, sequence_number);
        """;

    public static void Ensure(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Create;
        command.ExecuteNonQuery();
    }
}

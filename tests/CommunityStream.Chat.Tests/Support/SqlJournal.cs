using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql;
using LinqToDB;

namespace CommunityStream.Chat.Tests.Support;

/// <summary>
/// A bare ActorSystem on the SQL journal and snapshot store the Host uses (Akka.Persistence.Sql, same
/// linq2db providers), on a real database. The journal's circuit breaker opens on its first failure so
/// a single failed journal call is visible to <see cref="AssertHealthyAsync"/>.
/// </summary>
internal static class SqlJournal
{
    public const string PluginId = "akka.persistence.journal.sql";

    public static ActorSystem OnPostgres(TestPostgres database) => Create(ProviderName.PostgreSQL15, database.ConnectionString);

    public static ActorSystem OnSqlite(TempDirectory directory, string extra = "") =>
        // The Host's SQLite setting: one writer, the others' events batch into its next transaction.
        Create(ProviderName.SQLiteMS, $"Data Source={Path.Combine(directory.Path, "journal.db")}", "akka.persistence.journal.sql.parallelism = 1\n" + extra);

    /// <summary>
    /// The Host's own SQLite journal (its default on SQLite) on the same file and tables; snapshots and queries stay
    /// on Akka.Persistence.Sql, as in the Host.
    /// </summary>
    public static ActorSystem OnSqliteDedicated(TempDirectory directory, string extra = "")
    {
        var connectionString = $"Data Source={Path.Combine(directory.Path, "journal.db")}";
        return Create(ProviderName.SQLiteMS, connectionString, $$"""
            akka.persistence.journal.plugin = "{{DedicatedPluginId}}"
            {{DedicatedPluginId}} {
              class = "CommunityStream.Host.Storage.Journal.SqliteEventJournal, CommunityStream.Host"
              plugin-dispatcher = "akka.actor.default-dispatcher"
              connection-string = "{{connectionString}}"
              pragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;"
              circuit-breaker.max-failures = 1
            }
            {{extra}}
            """);
    }

    /// <summary>Where the Host's own SQLite journal is configured.</summary>
    public const string DedicatedPluginId = "akka.persistence.journal.communitystream-sqlite";

    private static ActorSystem Create(string provider, string connectionString, string extra = "")
    {
        var config = ConfigurationFactory.ParseString($"""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            akka.loglevel = WARNING
            akka.persistence.journal.plugin = "{PluginId}"
            akka.persistence.journal.sql {"{"}
              connection-string = "{connectionString}"
              provider-name = "{provider}"
              auto-initialize = on
              circuit-breaker.max-failures = 1
            {"}"}
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.sql"
            akka.persistence.snapshot-store.sql {"{"}
              connection-string = "{connectionString}"
              provider-name = "{provider}"
              auto-initialize = on
            {"}"}
            {extra}
            """);
        return ActorSystem.Create("sql-journal-" + Guid.NewGuid().ToString("N")[..8], config.WithFallback(SqlPersistence.DefaultConfiguration));
    }

    /// <summary>Fails with the journal's last caught exception if any journal call failed (its breaker is open).</summary>
    public static async Task AssertHealthyAsync(ActorSystem system)
    {
        var health = await Persistence.Instance.Apply(system).CheckJournalHealthAsync(system.Settings.Config.GetString("akka.persistence.journal.plugin"));
        Assert.True(health.Status == PersistenceHealthStatus.Healthy, $"Journal {health.Status}: {health.Description}: {health.Exception}");
    }
}

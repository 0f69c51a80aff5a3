using System.Globalization;
using Akka;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Discovery.Config.Hosting;
using Akka.Discovery.KubernetesApi;
using Akka.Event;
using Akka.Hosting;
using Akka.Persistence.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using CommunityStream.BuildingBlocks;
using CommunityStream.Host.Clustering.Formation;
using CommunityStream.Host.Clustering.Leases;
using CommunityStream.Host.Configuration;
using CommunityStream.Host.Storage.Journal;
using LinqToDB;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityStream.Host.Clustering;

/// <summary>
/// The node's ActorSystem: remoting, clustering (always on), split-brain resolver, persistence and the
/// health checks behind <c>/healthz</c>. Module actors are added by each module's <c>WithXxxActors</c>.
/// </summary>
public static class AkkaClusterSetup
{
    /// <summary>Health-check tag of the liveness probe.</summary>
    public const string LiveTag = "live";

    /// <summary>Health-check tag of the readiness probe.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Configures remoting, clustering, persistence and health checks from <paramref name="settings"/>.</summary>
    public static AkkaConfigurationBuilder WithCommunityStreamCluster(this AkkaConfigurationBuilder builder, HostSettings settings)
    {
        var cluster = settings.Cluster;
        builder
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithRemoting(new RemoteOptions
            {
                HostName = cluster.Hostname,
                PublicHostName = cluster.PublicHostname,
                Port = cluster.Port,
            })
            .WithClustering(new ClusterOptions
            {
                // No seed nodes for Akka itself: ClusterFormationGate joins, so that no node ever forms a second cluster.
                // Lease-majority: on a partition the side that takes the lease in the database stays up (the majority
                // tries first); a lone survivor of a two-node cluster keeps running, which keep-majority cannot promise.
                SplitBrainResolver = new LeaseMajorityOption { LeaseImplementation = DowningLease(cluster) },
            })
            .WithFailover(cluster)
            .WithActorSystemLivenessCheck(tags: [LiveTag])
            .WithAkkaClusterReadinessCheck(tags: [ReadyTag])
            .WithSqlPersistence(
                dataOptions: JournalDataOptions(settings.Database),
                autoInitialize: true,
                // The plugin's connectivity check is built against an older linq2db; Health/DatabaseHealthCheck does that job.
                journalBuilder: journal => journal.WithHealthCheck(HealthStatus.Unhealthy, tags: [ReadyTag, "journal"]));
        if (settings.Database.Provider == DatabaseProvider.Sqlite)
        {
            // SQLite has one writer at a time: concurrent journal transactions only wait on each other's lock.
            // One writer lets the others' events batch into its next transaction instead.
            builder.AddHocon("akka.persistence.journal.sql.parallelism = 1", HoconAddMode.Prepend);
            if (settings.Database.SqliteDedicatedJournal)
            {
                builder.WithDedicatedSqliteJournal(settings.Database);
            }
        }
        // The DataOptions overload takes no snapshot builder: the same snapshot settings again, for the health check.
        builder.WithSnapshot(
            new Akka.Persistence.Sql.Hosting.SqlSnapshotOptions(isDefaultPlugin: true)
            {
                ConnectionString = settings.Database.ConnectionString,
                ProviderName = ToLinq2DbProvider(settings.Database.Provider),
                AutoInitialize = true,
            },
            snapshot => snapshot.WithHealthCheck(HealthStatus.Unhealthy, tags: [ReadyTag, "snapshot-store"]));

        return builder.WithFormationGate(cluster);
    }

    /// <summary>
    /// Every persistent actor's events go through the Host's own SQLite journal (<see cref="SqliteEventJournal"/>): one
    /// writer on a file with one write lock, so rooms, streams and probes never contend for it. Akka.Persistence.Sql
    /// stays configured on the same tables for the snapshot store and Persistence.Query (room lists, exports, sweeps).
    /// </summary>
    private static void WithDedicatedSqliteJournal(this AkkaConfigurationBuilder builder, DatabaseOptions database)
    {
        var type = typeof(SqliteEventJournal);
        builder.AddHocon(
            $$""""
            akka.persistence.journal.plugin = "{{SqliteEventJournal.PluginId}}"
            {{SqliteEventJournal.PluginId}} {
              class = "{{type.FullName}}, {{type.Assembly.GetName().Name}}"
              plugin-dispatcher = "akka.actor.default-dispatcher"
              connection-string = """{{database.ConnectionString}}"""
              pragmas = """{{database.SqliteConnectionPragmas}}"""
            }
            """",
            HoconAddMode.Prepend);
    }

    /// <summary>
    /// The journal's and snapshot store's linq2db options. On SQLite every connection first runs the shared
    /// pragmas: without <c>synchronous = NORMAL</c> each journal commit waits for an fsync of the WAL, and
    /// Microsoft.Data.Sqlite's "async" calls are synchronous, so the plugin's write stream commits one row at a
    /// time and 1,000 rooms' writes queue behind the disk (docs/operations.md, "SQLite journal").
    /// </summary>
    private static DataOptions JournalDataOptions(DatabaseOptions database)
    {
        var options = new DataOptions().UseConnectionString(ToLinq2DbProvider(database.Provider), database.ConnectionString);
        return database.Provider == DatabaseProvider.Sqlite
            ? options.UseInterceptor(new SqlitePragmaInterceptor(database.SqliteConnectionPragmas))
            : options;
    }

    private static string ToLinq2DbProvider(DatabaseProvider provider) => provider switch
    {
        // Microsoft.Data.Sqlite, the same driver Identity uses on the same file.
        DatabaseProvider.Sqlite => ProviderName.SQLiteMS,
        DatabaseProvider.PostgreSql => ProviderName.PostgreSQL15,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
    };

    /// <summary>The lease the split-brain resolver's deciding side takes; short, so a crashed winner never blocks the next decision.</summary>
    private static SqlLeaseOption DowningLease(ClusterSettings cluster) =>
        new("communitystream.sql-lease-downing", TimeSpan.FromTicks(Math.Min(cluster.LeaseTimeToLive.Ticks, TimeSpan.FromSeconds(3).Ticks)));

    /// <summary>
    /// Failure detection, downing and fencing (docs/operations.md, "Failure detection, downing and fencing"): a crashed
    /// node is unreachable about a second after <see cref="ClusterSettings.AcceptableHeartbeatPause"/>, downed
    /// <see cref="ClusterSettings.StableAfter"/> later, and its shards start elsewhere as soon as their leases in the
    /// database expire (<see cref="ClusterSettings.LeaseTimeToLive"/> after its last renewal). The leases, not the
    /// removal margin, keep a room to one writer, so the margin that used to add another stable-after is short.
    /// </summary>
    private static AkkaConfigurationBuilder WithFailover(this AkkaConfigurationBuilder builder, ClusterSettings cluster)
    {
        var shardLease = new SqlLeaseOption(SqlLeaseOption.Path, cluster.LeaseTimeToLive);
        shardLease.Apply(builder);
        DowningLease(cluster).Apply(builder);
        return builder.AddHocon(
            $$"""
            akka.cluster {
              failure-detector.acceptable-heartbeat-pause = {{Milliseconds(cluster.AcceptableHeartbeatPause)}}
              split-brain-resolver.stable-after = {{Milliseconds(cluster.StableAfter)}}
              split-brain-resolver.lease-majority.release-after = 10s
              down-removal-margin = 250ms
              # A node restarted at once after a graceful leave finds its old incarnation still Exiting; the join is
              # ignored and retried after this (default 10 s: the whole restart time of a rolling update).
              retry-unsuccessful-join-after = 2s
              singleton.use-lease = "{{SqlLeaseOption.Path}}"
              singleton.lease-retry-interval = 500ms
              sharding {
                # The coordinator keeps its state in memory (distributed data) and rebuilds it from the regions: nothing
                # of it is written to the journal, so no two coordinators can ever corrupt a persisted state.
                state-store-mode = ddata
                use-lease = "{{SqlLeaseOption.Path}}"
                lease-retry-interval = 500ms
                # Regions register with a moved coordinator and ask for shard homes this often (default 2 s).
                retry-interval = 500ms
                # A new coordinator reads its state from every node; a read that still waits on the removed node is
                # retried after this (default 2 s, the whole tail of a failover).
                waiting-for-state-timeout = 500ms
                # A rebalance whose old home died mid-hand-off gives up after this and the shard is allocated afresh
                # (default 60 s: the failover bench saw one room stuck for 100 s). Rooms stop in milliseconds.
                handoff-timeout = 10s
              }
            }
            """,
            HoconAddMode.Prepend);
    }

    private static string Milliseconds(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    private static AkkaConfigurationBuilder WithFormationGate(this AkkaConfigurationBuilder builder, ClusterSettings cluster)
    {
        if (cluster.Discovery == ClusterDiscovery.Kubernetes)
        {
            builder.WithKubernetesDiscovery(options => options.PodLabelSelector = cluster.KubernetesPodLabelSelector);
        }
        else if (cluster.Discovery == ClusterDiscovery.Config)
        {
            builder.WithConfigDiscovery(options => options.Services.Add(new Service
            {
                Name = cluster.ServiceName,
                Endpoints = [.. cluster.ConfigEndpoints],
            }));
        }
        return builder.AddStartup((system, _) =>
        {
            var seeds = cluster.SeedNodes.Select(Address.Parse).ToList();
            var policy = new FormationPolicy(seeds, cluster.Discovery != ClusterDiscovery.None, cluster.LeaseTimeToLive, cluster.LeaseTimeToLive * 2);
            var gate = system.ActorOf(Props.Create(() => new ClusterFormationGate(policy)), "cluster-formation-gate");
            ReleaseMemberRowOnShutdown(system);
            if (cluster.Discovery != ClusterDiscovery.None)
            {
                var method = cluster.Discovery == ClusterDiscovery.Kubernetes ? "akka.discovery.kubernetes-api" : "config";
                system.ActorOf(Props.Create(() => new DiscoverySeedJoiner(cluster, method, gate)), "cluster-discovery-joiner");
            }
        });
    }

    // A node that leaves gracefully frees its member row at once: a restart or a new cluster need not wait for it to expire.
    private static void ReleaseMemberRowOnShutdown(ActorSystem system)
    {
        var lease = ClusterFormationGate.MemberRowLease(system);
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "release-member-row", async () =>
        {
            try
            {
                await lease.Release();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                system.Log.Warning("Could not release this node's member row ({0}); it expires on its own", ex.GetType().Name);
            }
            return Done.Instance;
        });
    }
}

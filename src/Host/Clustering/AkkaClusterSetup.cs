using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Discovery.Config.Hosting;
using Akka.Discovery.KubernetesApi;
using Akka.Hosting;
using Akka.Persistence.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using CommunityStream.BuildingBlocks;
using CommunityStream.Host.Configuration;
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
                SeedNodes = [.. cluster.SeedNodes],
                // Keep-majority: on a partition the larger side stays up and the smaller side downs itself.
                SplitBrainResolver = new KeepMajorityOption(),
            })
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

        return cluster.Discovery switch
        {
            ClusterDiscovery.None when cluster.SeedNodes.Count == 0 => builder.AddStartup(JoinSelf),
            ClusterDiscovery.None => builder,
            _ => builder.WithBootstrap(cluster),
        };
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

    // With no seeds and no discovery the node is its own seed: the single-process default is a one-node cluster.
    private static void JoinSelf(ActorSystem system, IActorRegistry registry)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        cluster.Join(cluster.SelfAddress);
    }

    private static AkkaConfigurationBuilder WithBootstrap(this AkkaConfigurationBuilder builder, ClusterSettings cluster)
    {
        const string kubernetesMethod = "akka.discovery.kubernetes-api";
        builder = cluster.Discovery == ClusterDiscovery.Kubernetes
            ? builder.WithKubernetesDiscovery(options => options.PodLabelSelector = cluster.KubernetesPodLabelSelector)
            : builder.WithConfigDiscovery(options => options.Services.Add(new Service
            {
                Name = cluster.ServiceName,
                Endpoints = [.. cluster.ConfigEndpoints],
            }));
        var method = cluster.Discovery == ClusterDiscovery.Kubernetes ? kubernetesMethod : "config";
        return builder.AddStartup((system, _) =>
            system.ActorOf(Props.Create(() => new DiscoverySeedJoiner(cluster, method)), "cluster-discovery-joiner"));
    }
}

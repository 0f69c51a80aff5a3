using Akka.Actor;
using Akka.Hosting;
using CommunityStream.Host.Clustering;

namespace CommunityStream.Host.Health;

/// <summary>
/// The readiness checks beyond Akka.Hosting's own (cluster membership, journal plugin): database, drain, shard
/// regions' coordinators, the journal's circuit breaker, the chat path's start-up warm-up. The probes' results are logged by
/// <see cref="HealthTransitionLog"/> once per change.
/// </summary>
public static class ReadinessSetup
{
    // Logs every unhealthy check of every probe request at Error: a joining node wrote 8-19 of them per start.
    private const string HealthCheckServiceCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    /// <summary>Registers the checks, tagged for <c>/healthz/ready</c>, and silences the per-request health log.</summary>
    public static IHostApplicationBuilder AddReadinessChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReadinessSignals>();
        builder.Services.AddSingleton<PauseWatch>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PauseWatch>());
        builder.Services.AddHealthChecks()
            .AddCheck<PauseWatch>("pauses", tags: [AkkaClusterSetup.LiveTag])
            .AddCheck<DatabaseHealthCheck>("database", tags: [AkkaClusterSetup.ReadyTag])
            .AddCheck<DrainingHealthCheck>("draining", tags: [AkkaClusterSetup.ReadyTag])
            .AddCheck<ShardRegionsHealthCheck>("shard-regions", tags: [AkkaClusterSetup.ReadyTag])
            .AddCheck<JournalHealthCheck>("journal-breaker", tags: [AkkaClusterSetup.ReadyTag])
            .AddCheck<WarmupHealthCheck>("chat-warmup", tags: [AkkaClusterSetup.ReadyTag]);
        builder.Logging.AddFilter(HealthCheckServiceCategory, LogLevel.None);
        return builder;
    }

    /// <summary>Starts the <see cref="ReadinessProbeActor"/> behind the shard-region and journal checks.</summary>
    public static AkkaConfigurationBuilder WithReadinessProbe(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, _, resolver) =>
        {
            var signals = resolver.GetService<ReadinessSignals>();
            system.ActorOf(Props.Create(() => new ReadinessProbeActor(signals)), "readiness-probe");
        });
}

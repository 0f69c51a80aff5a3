using Akka;
using Akka.Actor;
using Akka.Hosting;
using CommunityStream.BuildingBlocks;

namespace CommunityStream.Host.Shutdown;

/// <summary>
/// The drain on shutdown, in this order: readiness 503 and no new work (<see cref="NodeDrain"/>), open chat sockets
/// closed with 1001 (the Chat module's task in <c>service-unbind</c>), then shard hand-over and cluster leave.
/// </summary>
public static class NodeDrainSetup
{
    private const string Hocon = """
        # The host's stop runs CoordinatedShutdown (DrainOnStop). Akka's own CLR hook would run it from ProcessExit on
        # SIGTERM, before ApplicationStopping: the node left the cluster while still reporting ready, and chat sockets
        # got their 1001 only afterwards.
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        # A region's hand-over takes milliseconds when it works; when it cannot finish (a coordinator that is gone or
        # moving, as on the last node of a cluster) the default 10 s phase held up the leave for 10 s. The region stops
        # itself one second before the phase ends ("Graceful shutdown of shard region timed out"); its rooms are
        # persistent and start again on the next node that is asked for them.
        akka.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout = 2s
        """;

    /// <summary>Registers <see cref="NodeDrain"/> and the hosted service that runs the shutdown while HTTP still serves.</summary>
    public static IServiceCollection AddNodeDrain(this IServiceCollection services)
    {
        services.AddSingleton<NodeDrain>();
        services.AddHostedService<DrainOnStop>();
        return services;
    }

    /// <summary>Begins the drain when CoordinatedShutdown starts for any reason (SIGTERM, downing, a leave from elsewhere).</summary>
    public static AkkaConfigurationBuilder WithNodeDrain(this AkkaConfigurationBuilder builder) => builder
        .AddHocon(Hocon, HoconAddMode.Prepend)
        .WithActors((system, _, resolver) =>
        {
            var drain = resolver.GetService<NodeDrain>();
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "begin-node-drain", () =>
            {
                drain.Begin();
                return Task.FromResult(Done.Instance);
            });
        });
}

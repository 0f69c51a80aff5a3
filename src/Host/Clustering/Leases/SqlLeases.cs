using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Event;
using CommunityStream.BuildingBlocks;

namespace CommunityStream.Host.Clustering.Leases;

/// <summary>The ActorSystem's one <see cref="SqlLeaseHeartbeat"/> (and store), shared by all its <see cref="SqlLease"/>s.</summary>
internal sealed class SqlLeases : IExtension
{
    public SqlLeases(ExtendedActorSystem system)
    {
        var database = DependencyResolver.For(system).Resolver.GetService<DatabaseOptions>()
            ?? throw new InvalidOperationException("SqlLease needs the Host's DatabaseOptions in the service provider.");
        var interval = system.Settings.Config.GetTimeSpan($"{SqlLeaseOption.Path}.heartbeat-interval", TimeSpan.FromSeconds(1));
        Heartbeat = new SqlLeaseHeartbeat(new SqlLeaseStore(database), interval, Logging.GetLogger(system, typeof(SqlLeases)));
        system.WhenTerminated.ContinueWith(_ => Heartbeat.Dispose(), TaskScheduler.Default);
    }

    public SqlLeaseHeartbeat Heartbeat { get; }

    public static SqlLeases Get(ActorSystem system) => system.WithExtension<SqlLeases, SqlLeasesProvider>();

    internal sealed class SqlLeasesProvider : ExtensionIdProvider<SqlLeases>
    {
        public override SqlLeases CreateExtension(ExtendedActorSystem system) => new(system);
    }
}

using Akka.Actor;
using Akka.Discovery;
using Akka.Event;
using CommunityStream.Host.Clustering.Formation;
using CommunityStream.Host.Configuration;

namespace CommunityStream.Host.Clustering;

/// <summary>
/// Cluster bootstrap over Akka.Discovery (config or Kubernetes API): looks the service up once a second
/// until the same set of at least <see cref="ClusterSettings.RequiredContactPoints"/> nodes is seen twice,
/// then hands them, in a deterministic order, to <see cref="ClusterFormationGate"/> as contact points, and stops.
/// </summary>
/// <remarks>
/// Akka.Management's bootstrap would probe contact points over HTTP, but its HTTP server (Akka.Http.Shim)
/// cannot start with the Ceen.Httpd version our package feed serves; seed-node joining gives the same
/// guarantee that one node forms the cluster: only the first contact point may, and only after the database shows no
/// cluster running (<see cref="ClusterFormationGate"/>).
/// </remarks>
internal sealed class DiscoverySeedJoiner : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan LookupInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(3);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ClusterSettings _settings;
    private readonly ServiceDiscovery _discovery;
    private readonly IActorRef _gate;
    private IReadOnlyList<Address>? _previous;

    public DiscoverySeedJoiner(ClusterSettings settings, string discoveryMethod, IActorRef gate)
    {
        _settings = settings;
        _gate = gate;
        _discovery = Discovery.Get(Context.System).LoadServiceDiscovery(discoveryMethod);
        Receive<Tick>(_ => Lookup());
        Receive<ServiceDiscovery.Resolved>(Handle);
        Receive<Status.Failure>(failure =>
            _log.Warning("Discovery lookup of {0} failed: {1}", _settings.ServiceName, failure.Cause.Message));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer("lookup", Tick.Instance, TimeSpan.Zero, LookupInterval);

    private void Lookup() =>
        _discovery.Lookup(new Lookup(_settings.ServiceName), LookupTimeout).PipeTo(Self);

    private void Handle(ServiceDiscovery.Resolved resolved)
    {
        var current = SeedSelection.ToSeedAddresses(resolved.Addresses, Context.System.Name, _settings.Port);
        if (!SeedSelection.IsStable(current, _previous, _settings.RequiredContactPoints))
        {
            _log.Info("Discovered {0} of {1} required contact points for {2}", current.Count, _settings.RequiredContactPoints, _settings.ServiceName);
            _previous = current;
            return;
        }

        _log.Info("Discovered contact points [{0}]", string.Join(", ", current));
        _gate.Tell(new ClusterFormationGate.ContactPoints(current));
        Context.Stop(Self);
    }

    private sealed class Tick : INoSerializationVerificationNeeded
    {
        public static readonly Tick Instance = new();
    }
}

namespace CommunityStream.Host.Configuration;

/// <summary>Akka.Remote and Akka.Cluster settings of one node (configuration section <c>Cluster</c>).</summary>
public sealed record ClusterSettings
{
    /// <summary>The ActorSystem name; every node of one cluster must use the same.</summary>
    public const string SystemName = "communitystream";

    /// <summary>Address Akka.Remote binds to.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>Address other nodes use to reach this one, when it differs from <see cref="Hostname"/> (NAT, containers).</summary>
    public string? PublicHostname { get; init; }

    /// <summary>Akka.Remote TCP port; 0 picks a free port (tests).</summary>
    public int Port { get; init; } = 4053;

    /// <summary>Fixed seed node addresses (<c>akka.tcp://communitystream@host:port</c>).</summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    /// <summary>Cluster bootstrap mode.</summary>
    public ClusterDiscovery Discovery { get; init; } = ClusterDiscovery.None;

    /// <summary>Service name looked up by cluster bootstrap.</summary>
    public string ServiceName { get; init; } = "communitystream";

    /// <summary>Akka.Remote endpoints (<c>host:port</c>) of the nodes, for <see cref="ClusterDiscovery.Config"/>.</summary>
    public IReadOnlyList<string> ConfigEndpoints { get; init; } = [];

    /// <summary>Contact points cluster bootstrap must see before a new cluster is formed.</summary>
    public int RequiredContactPoints { get; init; } = 2;

    /// <summary>Label selector for <see cref="ClusterDiscovery.Kubernetes"/>; <c>{0}</c> is the service name.</summary>
    public string KubernetesPodLabelSelector { get; init; } = "app={0}";

    /// <summary>
    /// Heartbeats a peer may miss before it is suspected (<c>akka.cluster.failure-detector.acceptable-heartbeat-pause</c>);
    /// with one heartbeat a second a crashed node is unreachable about a second after this.
    /// </summary>
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>How long the unreachable set must stay unchanged before the split-brain resolver downs a side.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>How long a crashed node still holds its shard, coordinator and member leases in the database.</summary>
    public TimeSpan LeaseTimeToLive { get; init; } = TimeSpan.FromSeconds(5);
}

namespace CommunityStream.Host.Configuration;

/// <summary>How a node finds the other members of its cluster.</summary>
public enum ClusterDiscovery
{
    /// <summary>No discovery: join the configured seed nodes, or the node itself when there are none.</summary>
    None,

    /// <summary>Akka.Management cluster bootstrap over a fixed list of management endpoints.</summary>
    Config,

    /// <summary>Akka.Management cluster bootstrap over the Kubernetes API (pods with a label).</summary>
    Kubernetes,
}

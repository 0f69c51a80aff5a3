namespace CommunityStream.Host.Configuration;

/// <summary>How a node finds the other members of its cluster.</summary>
public enum ClusterDiscovery
{
    /// <summary>No discovery: join the configured seed nodes, or the node itself when there are none.</summary>
    None,

    /// <summary>Bootstrap over Akka.Discovery's config method: a fixed list of node endpoints.</summary>
    Config,

    /// <summary>Bootstrap over Akka.Discovery.KubernetesApi: pods with a label.</summary>
    Kubernetes,
}

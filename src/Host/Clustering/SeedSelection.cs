using Akka.Actor;
using Akka.Discovery;

namespace CommunityStream.Host.Clustering;

/// <summary>
/// Pure rules that turn discovery results into a seed-node list every node computes identically:
/// wait until enough contact points are seen, and the same set twice in a row, then order them so the
/// lowest address is the first seed (the only one allowed to form a new cluster, after probing the others).
/// </summary>
public static class SeedSelection
{
    /// <summary>Remote addresses of the discovered nodes, sorted; targets without a port get <paramref name="defaultPort"/>.</summary>
    public static IReadOnlyList<Address> ToSeedAddresses(IEnumerable<ServiceDiscovery.ResolvedTarget> targets, string systemName, int defaultPort) =>
        targets
            .Select(t => new Address("akka.tcp", systemName, t.Host, t.Port ?? defaultPort))
            .Distinct()
            .OrderBy(a => a.Host, StringComparer.Ordinal)
            .ThenBy(a => a.Port)
            .ToList();

    /// <summary>True when <paramref name="current"/> is complete enough and unchanged since the last lookup.</summary>
    public static bool IsStable(IReadOnlyList<Address> current, IReadOnlyList<Address>? previous, int requiredContactPoints) =>
        current.Count >= requiredContactPoints && previous is not null && current.SequenceEqual(previous);
}

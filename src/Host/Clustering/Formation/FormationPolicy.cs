using Akka.Actor;

namespace CommunityStream.Host.Clustering.Formation;

/// <summary>
/// Who may form a new cluster once the database shows none: with no seeds and no discovery the node itself (the
/// single-process default); with seeds only the first seed; with discovery only the lowest stable contact point.
/// </summary>
/// <param name="Seeds">Configured seed nodes (contact points until discovery reports its own).</param>
/// <param name="UsesDiscovery">True when contact points come from Akka.Discovery; no formation until they do.</param>
/// <param name="MemberTimeToLive">How long a member row outlives its last renewal.</param>
/// <param name="Grace">How long an expired member row still blocks a formation.</param>
public sealed record FormationPolicy(IReadOnlyList<Address> Seeds, bool UsesDiscovery, TimeSpan MemberTimeToLive, TimeSpan Grace)
{
    /// <summary>True when <paramref name="self"/> may be the node that forms, given the current contact points.</summary>
    public bool MayForm(Address self, IReadOnlyList<Address> contactPoints)
    {
        if (contactPoints.Count == 0)
        {
            return !UsesDiscovery;
        }
        return contactPoints[0].Equals(self);
    }
}

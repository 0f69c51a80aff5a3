using Akka.Cluster;

namespace CommunityStream.Host.Admin;

/// <summary>The JSON of <c>GET /admin/v1/cluster</c>.</summary>
internal sealed record ClusterView(
    string Self,
    string? Leader,
    IReadOnlyList<ClusterMemberView> Members,
    IReadOnlyList<string> Unreachable)
{
    public static ClusterView Of(Cluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(member => member.Address).ToHashSet();
        // Age rank: 1 is the oldest Up member (the singleton and coordinator host); Member.UpNumber is not public.
        var ages = state.Members.Where(m => m.Status == MemberStatus.Up).Order(Member.AgeOrdering)
            .Select((member, index) => (member.Address, Rank: index + 1)).ToDictionary(entry => entry.Address, entry => entry.Rank);
        var members = state.Members.Concat(state.Unreachable.Where(m => !state.Members.Contains(m)))
            .OrderBy(member => member.Address.ToString(), StringComparer.Ordinal)
            .Select(member => new ClusterMemberView(
                member.Address.ToString(),
                member.Status.ToString(),
                [.. member.Roles.Order(StringComparer.Ordinal)],
                ages.TryGetValue(member.Address, out var age) ? age : 0,
                unreachable.Contains(member.Address) ? "Unreachable" : "Reachable",
                member.Address == cluster.SelfAddress))
            .ToList();
        return new ClusterView(
            cluster.SelfAddress.ToString(),
            state.Leader?.ToString(),
            members,
            [.. unreachable.Select(address => address.ToString())]);
    }
}

/// <summary>One member in <see cref="ClusterView"/>.</summary>
internal sealed record ClusterMemberView(string Address, string Status, IReadOnlyList<string> Roles, int AgeRank, string Reachability, bool Self);

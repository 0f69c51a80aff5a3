using Akka.Actor;
using CommunityStream.Host.Clustering.Leases;

namespace CommunityStream.Host.Clustering.Formation;

/// <summary>
/// Pure rules of <see cref="ClusterFormationGate"/>: which members the database shows alive, and whether it proves that
/// no cluster runs on this journal (no other member row is live or expired for less than the grace period).
/// </summary>
public static class FormationRules
{
    /// <summary>Prefix of the member rows in <c>cluster_leases</c>; a row is <c>{prefix}{host}:{port}</c>.</summary>
    public static string MemberPrefix(string systemName) => systemName + "-member-";

    /// <summary>The row (lease name) of one member.</summary>
    public static string MemberLease(string systemName, Address address) => MemberPrefix(systemName) + address.HostPort();

    /// <summary>The row whose lock serializes formations.</summary>
    public static string FormationMutex(string systemName) => systemName + "-formation";

    /// <summary>Addresses of the other members whose rows are live (renewed within their time to live).</summary>
    public static IReadOnlyList<Address> LiveMembers(IEnumerable<(string Owner, TimeSpan Remaining)> rows, Address self) =>
        [.. rows
            .Where(row => row.Remaining > TimeSpan.Zero && AddressOf(row.Owner) != self.HostPort())
            .Select(row => ToAddress(row.Owner, self))
            .OfType<Address>()
            .Distinct()
            .OrderBy(a => a.Host, StringComparer.Ordinal)
            .ThenBy(a => a.Port)];

    /// <summary>
    /// True when no other member row is live or expired for less than <paramref name="grace"/>: a cluster whose nodes
    /// could not renew for a moment (a database blip) is still given time to come back. Rows of this node's own address
    /// are ignored: they are a previous run of this node, dead since this process holds the port now.
    /// </summary>
    public static bool ProvesNoCluster(IEnumerable<(string Owner, TimeSpan Remaining)> rows, Address self, TimeSpan grace) =>
        rows.All(row => AddressOf(row.Owner) == self.HostPort() || row.Remaining <= -grace);

    /// <summary>
    /// Live members the database shows that <paramref name="members"/> (this node's view of its cluster) lacks: a second
    /// cluster formed while this one could not renew its rows (a long database outage).
    /// </summary>
    public static IReadOnlyList<Address> ForeignMembers(IEnumerable<(string Owner, TimeSpan Remaining)> rows, Address self, IEnumerable<Address> members)
    {
        var known = members.ToHashSet();
        return [.. LiveMembers(rows, self).Where(address => !known.Contains(address))];
    }

    /// <summary>The <c>system@host:port</c> part of a stored owner (<see cref="Leases.SqlLease.OwnerOf"/> adds <c>#uid</c>).</summary>
    public static string AddressOf(string owner)
    {
        var hash = owner.LastIndexOf('#');
        return hash < 0 ? owner : owner[..hash];
    }

    internal static IEnumerable<(string Owner, TimeSpan Remaining)> Rows(IEnumerable<LeaseHolder> holders) =>
        holders.Select(h => (h.Owner, h.Remaining));

    // Owners are Akka's Address.HostPort() and the incarnation's uid: "system@host:port#uid".
    private static Address? ToAddress(string owner, Address self)
    {
        var address = AddressOf(owner);
        var hostPort = address[(address.IndexOf('@', StringComparison.Ordinal) + 1)..];
        var colon = hostPort.LastIndexOf(':');
        return colon > 0 && int.TryParse(hostPort.AsSpan(colon + 1), out var port)
            ? new Address(self.Protocol, self.System, hostPort[..colon].Trim('[', ']'), port)
            : null;
    }
}

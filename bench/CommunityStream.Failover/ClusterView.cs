namespace CommunityStream.Failover;

/// <summary>
/// The Host has no endpoint that shows the cluster's membership, so the bench reads Akka.Cluster's own log lines
/// of each node's current incarnation: the last of "is the new leader among reachable nodes" / "is no longer
/// leader" says whether that node leads; one cluster has one leader, so the number of leaders is the number of
/// clusters (a split brain shows two). "JOINING itself … forming new cluster" after the first start is counted too.
/// </summary>
internal static class ClusterView
{
    public static bool IsLeader(IEnumerable<string> logLines)
    {
        var leader = false;
        foreach (var line in logLines)
        {
            if (line.Contains("is the new leader among reachable nodes", StringComparison.Ordinal))
            {
                leader = true;
            }
            else if (line.Contains("is no longer leader", StringComparison.Ordinal))
            {
                leader = false;
            }
        }

        return leader;
    }

    public static bool FormedNewCluster(IEnumerable<string> logLines) =>
        logLines.Any(line => line.Contains("forming new cluster", StringComparison.Ordinal) || line.Contains("forming a new cluster", StringComparison.Ordinal));
}

using System.Globalization;

namespace CommunityStream.Failover;

/// <summary>
/// The Host has no endpoint that shows the cluster's membership, so the bench reads Akka.Cluster's own log lines
/// of each node's current incarnation: the last of "is the new leader among reachable nodes" / "is no longer
/// leader" says whether that node leads; one cluster has one leader, so the number of leaders is the number of
/// clusters (a split brain shows two). "JOINING itself … forming new cluster" after the first start is counted too,
/// and so is the most leaders at one time over the whole run (a split that healed before the end).
/// </summary>
internal static class ClusterView
{
    /// <summary>
    /// The most nodes leading at the same time for at least 5 s, from every incarnation's log (lines start with an
    /// ISO-8601 UTC timestamp) and the time the bench ended it (null: still running). A leader's term ends at "is no
    /// longer leader" or when its process ended.
    /// </summary>
    public static int MaxConcurrentLeaders(IEnumerable<(IEnumerable<string> Lines, DateTime? EndedUtc)> incarnations) =>
        MaxConcurrentLeaders(incarnations, TimeSpan.FromSeconds(5));

    public static int MaxConcurrentLeaders(IEnumerable<(IEnumerable<string> Lines, DateTime? EndedUtc)> incarnations, TimeSpan minimumOverlap)
    {
        var changes = new List<(DateTime At, int Delta)>();
        foreach (var (lines, ended) in incarnations)
        {
            DateTime? since = null;
            foreach (var line in lines)
            {
                var leads = line.Contains("is the new leader among reachable nodes", StringComparison.Ordinal);
                var stops = line.Contains("is no longer leader", StringComparison.Ordinal);
                if ((!leads && !stops) || TimestampOf(line) is not { } at)
                {
                    continue;
                }

                if (leads && since is null)
                {
                    since = at;
                }
                else if (stops && since is { } start)
                {
                    changes.Add((start, 1));
                    changes.Add((at, -1));
                    since = null;
                }
            }

            if (since is { } open)
            {
                changes.Add((open, 1));
                changes.Add((ended ?? DateTime.MaxValue, -1));
            }
        }

        var current = 0;
        var most = changes.Count > 0 ? 1 : 0;
        // At equal times a term ends before another begins. A handover shows two leaders for the gossip round
        // (a few hundred ms) in which the old one has not heard of the new one: only an overlap that lasts counts.
        var ordered = changes.OrderBy(c => c.At).ThenBy(c => c.Delta).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            current += ordered[i].Delta;
            var until = i + 1 < ordered.Count ? ordered[i + 1].At : DateTime.MaxValue;
            if (until - ordered[i].At >= minimumOverlap)
            {
                most = Math.Max(most, current);
            }
        }

        return most;
    }

    /// <summary>The timestamp of the log's last line that has one.</summary>
    public static DateTime? LastTimestamp(IReadOnlyList<string> lines)
    {
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (TimestampOf(lines[i]) is { } at)
            {
                return at;
            }
        }

        return null;
    }

    private static DateTime? TimestampOf(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && DateTime.TryParse(line[..space], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }

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

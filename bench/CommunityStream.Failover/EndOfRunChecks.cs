namespace CommunityStream.Failover;

/// <summary>What the bench checks once the load has stopped: the final histories, what clients saw against them, and the clusters.</summary>
internal static class EndOfRunChecks
{
    /// <summary>Each room's final history from any running node; a room no node could serve stays absent (its acked writes then count as lost).</summary>
    public static async Task<Dictionary<int, IReadOnlyDictionary<long, string?>>> ReadHistoryAsync(IReadOnlyList<HostNode> nodes, List<string> roomNames, string adminToken, Action<string> log)
    {
        var history = new Dictionary<int, IReadOnlyDictionary<long, string?>>();
        for (var r = 0; r < roomNames.Count; r++)
        {
            // Any node that answers; a room that cannot be read counts as empty (every acked write in it is then lost).
            foreach (var node in nodes.Where(n => n.Running))
            {
                try
                {
                    using var http = new HttpClient { BaseAddress = node.Http, Timeout = TimeSpan.FromSeconds(20) };
                    history[r] = await BenchSetup.ReadHistoryAsync(http, roomNames[r], adminToken);
                    break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    log($"history of {roomNames[r]} from node {node.Number} failed: {e.Message}");
                }
            }
        }

        return history;
    }

    /// <summary>Offsets where clients, or clients and the final history, saw different messages.</summary>
    public static int CrossCheck(IReadOnlyList<RoomObservations> observations, IReadOnlyDictionary<int, IReadOnlyDictionary<long, string?>> history)
    {
        var conflicts = 0;
        foreach (var room in observations)
        {
            conflicts += room.ConflictingOffsets;
            if (history.GetValueOrDefault(room.Room) is not { } final)
            {
                continue;
            }

            foreach (var (offset, text) in room.Snapshot())
            {
                if (final.TryGetValue(offset, out var clientId) && clientId != MessageText.ClientIdOf(text))
                {
                    conflicts++;
                }
            }
        }

        return conflicts;
    }

    /// <summary>Leaders at the end, nodes whose restart formed a new cluster, and the most leaders at one time (<see cref="ClusterView"/>).</summary>
    public static (int Leaders, List<int> FormedNew, int MaxLeaders) Clusters(IReadOnlyList<HostNode> nodes)
    {
        var leaders = 0;
        var formedNew = new List<int>();
        foreach (var node in nodes)
        {
            if (node.CurrentLog is not { } log || !node.Running)
            {
                continue;
            }

            var lines = File.ReadAllLines(log);
            leaders += ClusterView.IsLeader(lines) ? 1 : 0;
            if (!log.EndsWith("-run1.log", StringComparison.Ordinal) && ClusterView.FormedNewCluster(lines))
            {
                formedNew.Add(node.Number);
            }
        }

        var maxLeaders = ClusterView.MaxConcurrentLeaders(nodes.SelectMany(n => n.Incarnations.Select((incarnation, k) =>
        {
            var lines = File.ReadAllLines(incarnation.Log);
            // An incarnation that ended on its own (downed by the resolver) ends at its last log line.
            var current = k == n.Incarnations.Count - 1 && n.Running;
            return ((IEnumerable<string>)lines, incarnation.EndedUtc ?? (current ? null : ClusterView.LastTimestamp(lines)));
        })));
        return (leaders, formedNew, maxLeaders);
    }
}

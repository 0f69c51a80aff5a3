namespace CommunityStream.Chat.Rooms;

/// <summary>
/// The room's view of who is watching, from per-node reports. Volatile (not persisted): nodes report a
/// change within a second and otherwise every few seconds, and a node that stops reporting is forgotten after
/// <see cref="Expiry"/>.
/// </summary>
internal sealed class PresenceTally(int memberListThreshold)
{
    /// <summary>How long a node's last report counts: a few of the nodes' heartbeats (LocalRoomSubscriber, 4 s).</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, (int Count, string[]? Members, DateTime At)> _nodes = [];
    private (int Count, string[]? Members) _published = (0, []);

    public int Count { get; private set; }

    /// <summary>Whether any node's report still counts (then stale ones must be looked for).</summary>
    public bool Any => _nodes.Count > 0;

    /// <summary>Records a node's report; returns whether it changed what the node reported before (a heartbeat does not).</summary>
    public bool Report(string node, int count, string[]? members, DateTime now)
    {
        var known = _nodes.TryGetValue(node, out var before);
        if (count <= 0)
        {
            _nodes.Remove(node);
        }
        else
        {
            _nodes[node] = (count, members, now);
        }
        Recount();
        return count <= 0
            ? known
            : !known || before.Count != count || !(members ?? []).SequenceEqual(before.Members ?? []) || (members is null) != (before.Members is null);
    }

    /// <summary>Forgets silent nodes; returns the new presence when it differs from the last one published.</summary>
    public (int Count, string[]? Members)? Tick(DateTime now)
    {
        foreach (var stale in _nodes.Where(n => now - n.Value.At > Expiry).Select(n => n.Key).ToArray())
        {
            _nodes.Remove(stale);
        }
        Recount();
        string[]? members = null;
        if (Count < memberListThreshold && _nodes.Values.All(n => n.Members is not null))
        {
            members = [.. _nodes.Values.SelectMany(n => n.Members!).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)];
        }
        var same = Count == _published.Count &&
                   (members is null ? _published.Members is null : _published.Members is not null && members.SequenceEqual(_published.Members));
        if (same)
        {
            return null;
        }
        _published = (Count, members);
        return _published;
    }

    /// <summary>The members each reporting node has, by node address.</summary>
    public NodePresence[] ByNode() => [.. _nodes.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => new NodePresence(n.Key, n.Value.Count))];

    private void Recount() => Count = _nodes.Values.Sum(n => n.Count);
}

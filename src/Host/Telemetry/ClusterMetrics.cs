using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Cluster;

namespace CommunityStream.Host.Telemetry;

/// <summary>
/// The cluster's instruments on the <see cref="MeterName"/> meter: members by status and reachability as this node
/// sees them (read from the cluster's own state when collected) and the shards and entities this node hosts per
/// region type (left here every few seconds by <see cref="ShardCountProbeActor"/>, since a region answers only
/// by message).
/// </summary>
internal sealed class ClusterMetrics : IDisposable
{
    public const string MeterName = "CommunityStream.Cluster";

    private static readonly MemberStatus[] Statuses =
        [MemberStatus.Joining, MemberStatus.WeaklyUp, MemberStatus.Up, MemberStatus.Leaving, MemberStatus.Exiting, MemberStatus.Down, MemberStatus.Removed];

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<string, (int Shards, int Entities)> _regions = new(StringComparer.Ordinal);
    private volatile ActorSystem? _system;

    public ClusterMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("communitystream.cluster.members", Members, "{member}", "Cluster members as this node sees them, by status (joining, weakly_up, up, leaving, exiting, down, removed).");
        _meter.CreateObservableGauge("communitystream.cluster.unreachable", Unreachable, "{member}", "Members this node's failure detector marks unreachable.");
        _meter.CreateObservableGauge("communitystream.cluster.shards", () => Regions(r => r.Shards), "{shard}", "Shards this node hosts, by region type (room, stream).");
        _meter.CreateObservableGauge("communitystream.cluster.entities", () => Regions(r => r.Entities), "{entity}", "Entities (rooms, streams) running in this node's shards, by region type.");
    }

    /// <summary>Set by the probe actor once the ActorSystem runs: the callbacks read its cluster state.</summary>
    public void Attach(ActorSystem system) => _system = system;

    public void SetRegion(string typeName, int shards, int entities) => _regions[typeName] = (shards, entities);

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<int>> Members()
    {
        if (_system is not { } system)
        {
            return [];
        }
        var members = Cluster.Get(system).State.Members;
        return Statuses.Select(status => new Measurement<int>(members.Count(m => m.Status == status), new KeyValuePair<string, object?>("status", StatusName(status))));
    }

    private IEnumerable<Measurement<int>> Unreachable() =>
        _system is { } system ? [new Measurement<int>(Cluster.Get(system).State.Unreachable.Count)] : [];

    private IEnumerable<Measurement<int>> Regions(Func<(int Shards, int Entities), int> pick) =>
        _regions.Select(region => new Measurement<int>(pick(region.Value), new KeyValuePair<string, object?>("type", region.Key)));

    private static string StatusName(MemberStatus status) => status switch
    {
        MemberStatus.WeaklyUp => "weakly_up",
        _ => status.ToString().ToLowerInvariant(),
    };
}

using Akka.Actor;
using Akka.Cluster.Sharding;

namespace CommunityStream.Host.Telemetry;

/// <summary>
/// Every few seconds asks each of this node's shard regions which shards and entities it hosts
/// (<see cref="GetShardRegionState"/>, answered locally) and leaves the counts in <see cref="ClusterMetrics"/>.
/// </summary>
internal sealed class ShardCountProbeActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private readonly ClusterMetrics _metrics;

    public ShardCountProbeActor(ClusterMetrics metrics)
    {
        _metrics = metrics;
        Receive<Tick>(_ => Probe());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        _metrics.Attach(Context.System);
        Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, TimeSpan.FromSeconds(1), Interval);
    }

    private void Probe()
    {
        var sharding = ClusterSharding.Get(Context.System);
        foreach (var typeName in sharding.ShardTypeNames)
        {
            var region = sharding.ShardRegion(typeName);
            var metrics = _metrics;
            // Results are only stored, never touch this actor's state: no need to come back through the mailbox.
            _ = region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, Timeout).ContinueWith(
                answered => metrics.SetRegion(typeName, answered.Result.Shards.Count, answered.Result.Shards.Sum(shard => shard.EntityIds.Count)),
                CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    private sealed class Tick : INoSerializationVerificationNeeded
    {
        public static readonly Tick Instance = new();
    }
}

using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Pattern;
using Akka.Persistence;

namespace CommunityStream.Host.Health;

/// <summary>
/// Once a second asks every shard region of this node for the cluster's regions (answered by its coordinator, or
/// empty while it has none) and asks the journal for the highest sequence number of a persistence id that never
/// holds events: one indexed read through the journal's circuit breaker, no write. Leaves the verdicts in
/// <see cref="ReadinessSignals"/>.
/// </summary>
internal sealed class ReadinessProbeActor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    // A coordinator moves when its node leaves; the regions find the new one within a few seconds. Only a longer gap
    // makes the node unready, so a rolling update does not take every node out of the load balancer at once.
    public static readonly TimeSpan CoordinatorGrace = TimeSpan.FromSeconds(5);

    private const string ProbePersistenceId = "readiness-probe";
    private static readonly TimeSpan RegionTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan JournalTimeout = TimeSpan.FromSeconds(3);

    private readonly ReadinessSignals _signals;
    private readonly Dictionary<string, long> _lastRegistered = [];
    private bool _probing;

    public ReadinessProbeActor(ReadinessSignals signals)
    {
        _signals = signals;
        Receive<Tick>(_ => StartRound());
        Receive<RoundFinished>(Handle);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, TimeSpan.Zero, Interval);

    private void StartRound()
    {
        // A slow journal or coordinator must not pile up probes.
        if (_probing)
        {
            return;
        }
        _probing = true;
        var sharding = ClusterSharding.Get(Context.System);
        var regions = sharding.ShardTypeNames.Select(name => ProbeRegionAsync(name, sharding)).ToArray();
        var journal = ProbeJournalAsync(Persistence.Instance.Apply(Context.System).JournalFor(null));
        RoundAsync(regions, journal).PipeTo(Self);
    }

    private void Handle(RoundFinished round)
    {
        _probing = false;
        var now = Stopwatch.GetTimestamp();
        foreach (var (name, registered) in round.Regions.Where(region => region.Registered))
        {
            _lastRegistered[name] = now;
        }
        var missing = round.Regions
            .Where(region => !_lastRegistered.TryGetValue(region.Name, out var at) || Stopwatch.GetElapsedTime(at, now) > CoordinatorGrace)
            .Select(region => region.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        _signals.ShardRegions = missing.Count > 0
            ? new ProbeVerdict(false, $"no coordinator for {string.Join(", ", missing)}")
            : new ProbeVerdict(true, round.Regions.Count == 0
                ? "no shard regions on this node"
                : $"{string.Join(", ", round.Regions.Select(region => region.Name).Order(StringComparer.Ordinal))} registered with a coordinator");
        _signals.Journal = round.Journal;
    }

    private static async Task<RoundFinished> RoundAsync(Task<RegionProbe>[] regions, Task<ProbeVerdict> journal) =>
        new(await Task.WhenAll(regions), await journal);

    private static async Task<RegionProbe> ProbeRegionAsync(string name, ClusterSharding sharding)
    {
        try
        {
            // The region forwards this to its coordinator; with no coordinator it answers an empty set itself.
            var current = await sharding.ShardRegion(name).Ask<CurrentRegions>(GetCurrentRegions.Instance, RegionTimeout);
            return new RegionProbe(name, current.Regions.Count > 0);
        }
        catch (AskTimeoutException)
        {
            return new RegionProbe(name, false);
        }
    }

    private static async Task<ProbeVerdict> ProbeJournalAsync(IActorRef journal)
    {
        try
        {
            // From 1 to 0: the journal reads the highest sequence number and replays nothing.
            var reply = await journal.Ask<object>(replyTo => new ReplayMessages(1, 0, 0, ProbePersistenceId, replyTo), JournalTimeout, CancellationToken.None);
            return reply switch
            {
                RecoverySuccess => new ProbeVerdict(true, "journal answers through its circuit breaker"),
                ReplayMessagesFailure { Cause: OpenCircuitException } => new ProbeVerdict(false, "journal circuit breaker open"),
                ReplayMessagesFailure failure => new ProbeVerdict(false, $"journal read failed ({failure.Cause.GetType().Name})"),
                _ => new ProbeVerdict(false, $"journal answered {reply.GetType().Name}"),
            };
        }
        catch (AskTimeoutException)
        {
            return new ProbeVerdict(false, $"journal did not answer within {JournalTimeout.TotalSeconds:0} s");
        }
    }

    private sealed class Tick : INoSerializationVerificationNeeded
    {
        public static readonly Tick Instance = new();
    }

    private sealed record RegionProbe(string Name, bool Registered);

    private sealed record RoundFinished(IReadOnlyList<RegionProbe> Regions, ProbeVerdict Journal) : INoSerializationVerificationNeeded;
}

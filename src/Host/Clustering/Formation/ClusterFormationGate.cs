using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Coordination;
using Akka.Event;
using CommunityStream.Host.Clustering.Leases;

namespace CommunityStream.Host.Clustering.Formation;

/// <summary>
/// Joins this node to the one cluster that runs on the shared journal, and forms a new cluster only when the database
/// proves none runs: every member keeps a row in <c>cluster_leases</c> alive while it is in the cluster, a starting node
/// joins the live members it finds there (never itself), and a formation takes the formation row's lock, checks that no
/// member row is live or recently expired, and writes its own row in the same transaction. Two clusters on one database
/// would give a room two writers (two shard coordinators, two homes for one shard), which is why a restarted seed node
/// must never join itself while the others still run.
/// </summary>
/// <remarks>
/// Configured seed nodes and discovered contact points are still used as contact points; of them only the first seed
/// (or, with discovery, the lowest stable contact point, or the node itself when nothing is configured) may form.
/// </remarks>
internal sealed class ClusterFormationGate : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly SqlLeaseStore _store;
    private readonly FormationPolicy _policy;
    private readonly Lease _memberLease;
    private IReadOnlyList<Address> _contactPoints;
    private ImmutableList<Address> _joining = [];
    private bool _busy;
    private bool _waitingLogged;
    private int _failures;
    private bool _lostMemberRow;

    public ClusterFormationGate(FormationPolicy policy)
    {
        _policy = policy;
        _store = SqlLeases.Get(Context.System).Heartbeat.Store;
        _contactPoints = policy.Seeds;
        _memberLease = MemberRowLease(Context.System);

        Receive<Tick>(_ => Evaluate());
        Receive<ContactPoints>(points => _contactPoints = points.Addresses);
        Receive<MemberRows>(OnMemberRows);
        Receive<Formed>(OnFormed);
        Receive<Status.Failure>(failure =>
        {
            _busy = false;
            // The first failure and then one in a minute: a database that is down for long must not flood the log.
            if (_failures++ % 60 == 0)
            {
                _log.Warning("Cluster formation: the database could not be read ({0}); retrying every second", failure.Cause.GetType().Name);
            }
        });
        Receive<ClusterEvent.MemberUp>(up => up.Member.UniqueAddress.Equals(_cluster.SelfUniqueAddress), _ => OnSelfUp());
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<MemberLeaseResult>(OnMemberLease);
        Receive<MemberLeaseLost>(_ =>
        {
            _lostMemberRow = true;
            Timers.StartSingleTimer("member-lease", AcquireMemberLease.Instance, Period);
        });
        Receive<AcquireMemberLease>(_ => CheckBeforeReacquiring());
        Receive<RowsAfterLoss>(OnRowsAfterLoss);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>This node's member row as a lease: the gate takes and renews it, shutdown releases it.</summary>
    public static Lease MemberRowLease(ActorSystem system)
    {
        var self = Cluster.Get(system).SelfAddress;
        return LeaseProvider.Get(system).GetLease(FormationRules.MemberLease(system.Name, self), SqlLeaseOption.Path, self.HostPort());
    }

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberUp));
        Timers.StartPeriodicTimer("evaluate", Tick.Instance, TimeSpan.Zero, Period);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Evaluate()
    {
        if (_busy || _cluster.State.Members.Any(m => m.UniqueAddress.Equals(_cluster.SelfUniqueAddress)))
        {
            return;
        }
        _busy = true;
        _store.ListAsync(FormationRules.MemberPrefix(Context.System.Name), CancellationToken.None)
            .PipeTo(Self, success: holders => new MemberRows(holders));
    }

    private void OnMemberRows(MemberRows rows)
    {
        var self = _cluster.SelfAddress;
        var table = FormationRules.Rows(rows.Holders).ToList();
        var live = FormationRules.LiveMembers(table, self);
        if (live.Count > 0)
        {
            _busy = false;
            JoinSeeds([.. live, .. _contactPoints]);
            return;
        }
        if (_policy.MayForm(self, _contactPoints) && FormationRules.ProvesNoCluster(table, self, _policy.Grace))
        {
            var name = FormationRules.MemberLease(Context.System.Name, self);
            _store.TryAcquireExclusiveAsync(
                    FormationRules.FormationMutex(Context.System.Name),
                    FormationRules.MemberPrefix(Context.System.Name),
                    holders => FormationRules.ProvesNoCluster(FormationRules.Rows(holders), self, _policy.Grace),
                    name, SqlLease.OwnerOf(Context.System, self.HostPort()), _policy.MemberTimeToLive, CancellationToken.None)
                .PipeTo(Self, success: formed => new Formed(formed));
            return;
        }
        _busy = false;
        if (!_waitingLogged && table.Any(row => FormationRules.AddressOf(row.Owner) != self.HostPort()))
        {
            _waitingLogged = true;
            _log.Info("Cluster formation: members of a cluster on this database stopped renewing lately; waiting {0} before a new cluster may form", _policy.Grace);
        }
        JoinSeeds(_contactPoints);
    }

    private void OnFormed(Formed formed)
    {
        _busy = false;
        if (formed.Succeeded)
        {
            _log.Info("Cluster formation: no cluster runs on this database; forming a new one at {0}", _cluster.SelfAddress);
            _joining = [_cluster.SelfAddress];
            _cluster.Join(_cluster.SelfAddress);
        }
    }

    // Seeds without this node: JoinSeedNodes then never lets it join itself.
    private void JoinSeeds(IEnumerable<Address> candidates)
    {
        var seeds = candidates.Where(a => !a.Equals(_cluster.SelfAddress)).Distinct().ToImmutableList();
        if (seeds.IsEmpty || seeds.SequenceEqual(_joining))
        {
            return;
        }
        _joining = seeds;
        _log.Info("Cluster formation: joining through [{0}]", string.Join(", ", seeds));
        _cluster.JoinSeedNodes(seeds);
    }

    private void OnSelfUp()
    {
        Timers.Cancel("evaluate");
        AcquireMemberRow();
    }

    private void AcquireMemberRow()
    {
        var self = Self;
        _memberLease.Acquire(_ => self.Tell(MemberLeaseLost.Instance))
            .PipeTo(Self, success: acquired => new MemberLeaseResult(acquired), failure: _ => new MemberLeaseResult(false));
    }

    // A member that lost its row (the database was out of reach) checks that no other cluster formed meanwhile before it
    // takes the row back; if one did, this side steps down (it restarts and joins the other), rather than two clusters
    // living on with every room fenced away from one of them.
    private void CheckBeforeReacquiring()
    {
        if (!_lostMemberRow)
        {
            AcquireMemberRow();
            return;
        }
        _store.ListAsync(FormationRules.MemberPrefix(Context.System.Name), CancellationToken.None)
            .PipeTo(Self, success: holders => new RowsAfterLoss(holders), failure: _ => new RowsAfterLoss(null));
    }

    private void OnRowsAfterLoss(RowsAfterLoss rows)
    {
        if (rows.Holders is null)
        {
            Timers.StartSingleTimer("member-lease", AcquireMemberLease.Instance, Period);
            return;
        }
        var members = _cluster.State.Members.Select(m => m.Address);
        var foreign = FormationRules.ForeignMembers(FormationRules.Rows(rows.Holders), _cluster.SelfAddress, members);
        if (foreign.Count > 0)
        {
            _log.Error("Cluster formation: another cluster formed on this database while this node could not renew its row ([{0}]); leaving this one", string.Join(", ", foreign));
            _cluster.Down(_cluster.SelfAddress);
            return;
        }
        _lostMemberRow = false;
        AcquireMemberRow();
    }

    private void OnMemberLease(MemberLeaseResult result)
    {
        if (!result.Acquired)
        {
            Timers.StartSingleTimer("member-lease", AcquireMemberLease.Instance, Period);
        }
    }

    /// <summary>Contact points found by discovery (sorted, stable), replacing the configured seeds.</summary>
    public sealed record ContactPoints(IReadOnlyList<Address> Addresses);

    private sealed record MemberRows(IReadOnlyList<LeaseHolder> Holders) : INoSerializationVerificationNeeded;

    private sealed record Formed(bool Succeeded) : INoSerializationVerificationNeeded;

    private sealed record RowsAfterLoss(IReadOnlyList<LeaseHolder>? Holders) : INoSerializationVerificationNeeded;

    private sealed record MemberLeaseResult(bool Acquired) : INoSerializationVerificationNeeded;

    private sealed class MemberLeaseLost : INoSerializationVerificationNeeded
    {
        public static readonly MemberLeaseLost Instance = new();
    }

    private sealed class AcquireMemberLease : INoSerializationVerificationNeeded
    {
        public static readonly AcquireMemberLease Instance = new();
    }

    private sealed class Tick : INoSerializationVerificationNeeded
    {
        public static readonly Tick Instance = new();
    }
}

using System.Diagnostics;
using Akka.Actor;
using Akka.Coordination;

namespace CommunityStream.Host.Clustering.Leases;

/// <summary>
/// An Akka.Coordination lease held in the shared database (<see cref="SqlLeaseStore"/>), so that at most one node runs a
/// shard, the sharding coordinator or the split-brain resolver's decision at a time, even across two clusters on one
/// journal. <see cref="SqlLeaseHeartbeat"/> renews every held lease of the node in one statement per heartbeat.
/// </summary>
/// <remarks>
/// The holder trusts its lease for <c>heartbeat-timeout</c> minus a safety margin from the moment it <b>sent</b> the last
/// successful renewal; the database expires it <c>heartbeat-timeout</c> after it <b>ran</b> that renewal. So the holder
/// always gives up (and is told through the lost callback) before anyone else can take over, whatever the clocks say.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore is only awaited, never its wait handle: nothing to dispose; Akka caches leases for the system's life.")]
public sealed class SqlLease : Lease
{
    private readonly SqlLeaseHeartbeat _heartbeat;
    private readonly object _gate = new();
    // Akka hands one instance to every user of a name (an old and a new shard on this node): one database call at a
    // time, in call order, so a late Release never deletes what a newer Acquire took, nor an Acquire outlive a Release.
    private readonly SemaphoreSlim _calls = new(1, 1);
    private bool _held;
    private long _trustedUntil;
    private Action<Exception>? _lost;

    /// <summary>Created by Akka's <see cref="LeaseProvider"/> from the lease's configuration block.</summary>
    public SqlLease(LeaseSettings settings, ExtendedActorSystem system)
        : base(settings)
    {
        _heartbeat = SqlLeases.Get(system).Heartbeat;
        Owner = OwnerOf(system, settings.OwnerName);
        TimeToLive = settings.TimeoutSettings.HeartbeatTimeout;
        // The holder stops trusting the lease this long before the database lets it go.
        SafetyMargin = TimeSpan.FromTicks(Math.Max(TimeToLive.Ticks / 4, settings.TimeoutSettings.HeartbeatInterval.Ticks));
    }

    internal string Name => Settings.LeaseName;

    /// <summary>The owner as stored: Akka's owner name (<c>system@host:port</c>) and this incarnation's uid.</summary>
    internal string Owner { get; }

    internal TimeSpan TimeToLive { get; }

    internal TimeSpan SafetyMargin { get; }

    /// <summary>
    /// The owner written to the database for <paramref name="ownerName"/> on <paramref name="system"/>. Akka names owners
    /// by address only; with the incarnation's uid two processes that share an address (a restart racing its
    /// predecessor, one public hostname on two machines) can never hold one lease together.
    /// </summary>
    public static string OwnerOf(ActorSystem system, string ownerName) =>
        ownerName + "#" + Akka.Cluster.Cluster.Get(system).SelfUniqueAddress.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override Task<bool> Acquire() => Acquire(null);

    /// <inheritdoc />
    public override async Task<bool> Acquire(Action<Exception>? leaseLostCallback)
    {
        await _calls.WaitAsync();
        try
        {
            var sentAt = Stopwatch.GetTimestamp();
            using var timeout = new CancellationTokenSource(Settings.TimeoutSettings.OperationTimeout);
            var acquired = await _heartbeat.Store.TryAcquireAsync(Name, Owner, TimeToLive, timeout.Token);
            if (acquired)
            {
                lock (_gate)
                {
                    _held = true;
                    _lost = leaseLostCallback;
                    _trustedUntil = sentAt + Ticks(TimeToLive - SafetyMargin);
                }
                _heartbeat.Track(this);
            }
            return acquired;
        }
        finally
        {
            _calls.Release();
        }
    }

    /// <inheritdoc />
    public override async Task<bool> Release()
    {
        await _calls.WaitAsync();
        try
        {
            lock (_gate)
            {
                _held = false;
                _lost = null;
            }
            _heartbeat.Untrack(this);
            using var timeout = new CancellationTokenSource(Settings.TimeoutSettings.OperationTimeout);
            return await _heartbeat.Store.ReleaseAsync(Name, Owner, timeout.Token);
        }
        finally
        {
            _calls.Release();
        }
    }

    /// <inheritdoc />
    public override bool CheckLease()
    {
        lock (_gate)
        {
            return _held && Stopwatch.GetTimestamp() < _trustedUntil;
        }
    }

    /// <summary>A renewal sent at <paramref name="sentAt"/> (a <see cref="Stopwatch"/> timestamp) succeeded.</summary>
    internal void Renewed(long sentAt)
    {
        lock (_gate)
        {
            if (_held)
            {
                _trustedUntil = Math.Max(_trustedUntil, sentAt + Ticks(TimeToLive - SafetyMargin));
            }
        }
    }

    /// <summary>True when the lease was held but can no longer be trusted at <paramref name="now"/>.</summary>
    internal bool IsOverdue(long now)
    {
        lock (_gate)
        {
            return _held && now >= _trustedUntil;
        }
    }

    /// <summary>The lease is gone (not renewed in time, or taken over): stop trusting it and tell its user once.</summary>
    internal void Lose(Exception reason)
    {
        Action<Exception>? lost;
        lock (_gate)
        {
            if (!_held)
            {
                return;
            }
            _held = false;
            lost = _lost;
            _lost = null;
        }
        _heartbeat.Untrack(this);
        lost?.Invoke(reason);
    }

    /// <inheritdoc />
    public override string ToString() => $"SqlLease({Name}, {Owner})";

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}

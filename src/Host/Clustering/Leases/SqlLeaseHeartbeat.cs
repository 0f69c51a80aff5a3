using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Coordination;
using Akka.Event;

namespace CommunityStream.Host.Clustering.Leases;

/// <summary>
/// Keeps a node's <see cref="SqlLease"/>s alive: every <see cref="Interval"/> one statement per owner renews all the
/// leases it holds (a hundred shards cost one round trip, not a hundred), and four times per interval it tells every
/// lease that could not be renewed in time that it is lost, before the database would let another node take it.
/// </summary>
internal sealed class SqlLeaseHeartbeat : IDisposable
{
    private static readonly TimeSpan CheckPeriod = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<SqlLease, byte> _held = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ILoggingAdapter _log;
    private long _lastRenewal;
    private int _renewing;
    private bool _failing;

    public SqlLeaseHeartbeat(SqlLeaseStore store, TimeSpan interval, ILoggingAdapter log)
    {
        Store = store;
        Interval = interval;
        _log = log;
        _ = RunAsync(_stop.Token);
    }

    public SqlLeaseStore Store { get; }

    public TimeSpan Interval { get; }

    public void Track(SqlLease lease) => _held.TryAdd(lease, 0);

    public void Untrack(SqlLease lease) => _held.TryRemove(lease, out _);

    public void Dispose() => _stop.Cancel();

    private async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(CheckPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    Tick();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // This loop is what gives leases up in time: it must survive anything.
                    _log.Error(ex, "Lease heartbeat tick failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The ActorSystem is gone; held leases expire in the database on their own.
        }
    }

    private void Tick()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var lease in _held.Keys)
        {
            if (lease.IsOverdue(now))
            {
                _log.Warning("Lease {0} was not renewed in time and is given up", lease.Name);
                Lose(lease, new LeaseTimeoutException($"Lease {lease.Name} was not renewed within {lease.TimeToLive - lease.SafetyMargin}."));
            }
        }
        if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastRenewal)) >= Interval && Interlocked.CompareExchange(ref _renewing, 1, 0) == 0)
        {
            Interlocked.Exchange(ref _lastRenewal, now);
            _ = RenewAsync();
        }
    }

    // A user's lease-lost callback that throws must not stop the other leases from being given up.
    private void Lose(SqlLease lease, Exception reason)
    {
        try
        {
            lease.Lose(reason);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _log.Error(ex, "The lease-lost callback of {0} failed", lease.Name);
        }
    }

    private async Task RenewAsync()
    {
        try
        {
            foreach (var group in _held.Keys.GroupBy(lease => (lease.Owner, lease.TimeToLive)))
            {
                var leases = group.ToList();
                var sentAt = Stopwatch.GetTimestamp();
                using var timeout = new CancellationTokenSource(group.Key.TimeToLive - leases[0].SafetyMargin);
                var renewed = await Store.RenewAsync(group.Key.Owner, [.. leases.Select(l => l.Name)], group.Key.TimeToLive, timeout.Token);
                foreach (var lease in leases)
                {
                    if (renewed.Contains(lease.Name))
                    {
                        lease.Renewed(sentAt);
                    }
                    else
                    {
                        _log.Warning("Lease {0} is no longer held by {1} and is given up", lease.Name, lease.Owner);
                        Lose(lease, new LeaseException($"Lease {lease.Name} is no longer held by {lease.Owner}."));
                    }
                }
            }
            if (_failing)
            {
                _failing = false;
                _log.Info("Lease renewals succeed again");
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Once per failure streak: leases stay trusted until they are overdue, then Tick gives them up.
            if (!_failing)
            {
                _failing = true;
                _log.Warning("Lease renewal failed ({0}); held leases are given up if this lasts", ex.GetType().Name);
            }
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }
}

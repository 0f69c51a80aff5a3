using System.Collections.Concurrent;

namespace CommunityStream.Identity.Security;

/// <summary>
/// Per-account brute-force protection, in memory on this node: after N consecutive failures the account is
/// locked; each further lockout doubles the period up to a cap. A success forgets the account.
/// </summary>
internal sealed class AccountLockout(int failuresBeforeLockout, TimeSpan lockout, TimeSpan maximumLockout, TimeProvider time)
{
    private sealed class Entry
    {
        public int Failures;
        public int Lockouts;
        public DateTimeOffset LockedUntil;
        public DateTimeOffset LastSeen;
    }

    private const int SweepThreshold = 10_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>How long the account stays locked, or <see langword="null"/> when it may try now.</summary>
    public TimeSpan? RetryAfter(string account)
    {
        if (!_entries.TryGetValue(account, out var entry))
        {
            return null;
        }
        lock (entry)
        {
            var remaining = entry.LockedUntil - time.GetUtcNow();
            return remaining > TimeSpan.Zero ? remaining : null;
        }
    }

    /// <summary>Counts a failure; returns the lockout period when this failure locked the account.</summary>
    public TimeSpan? RecordFailure(string account)
    {
        var now = time.GetUtcNow();
        SweepIfLarge(now);
        var entry = _entries.GetOrAdd(account, _ => new Entry());
        lock (entry)
        {
            entry.LastSeen = now;
            entry.Failures++;
            if (entry.Failures < failuresBeforeLockout)
            {
                return null;
            }
            entry.Failures = 0;
            entry.Lockouts++;
            var period = LockoutPeriod(entry.Lockouts);
            entry.LockedUntil = now + period;
            return period;
        }
    }

    public void RecordSuccess(string account) => _entries.TryRemove(account, out _);

    private TimeSpan LockoutPeriod(int lockouts)
    {
        // 2^(n-1) without overflow: past 20 doublings any sane cap has been reached.
        var factor = Math.Pow(2, Math.Min(lockouts - 1, 20));
        var period = TimeSpan.FromTicks((long)Math.Min(lockout.Ticks * factor, maximumLockout.Ticks));
        return period;
    }

    /// <summary>Forget accounts idle for longer than the cap, so a spray of usernames cannot grow memory without bound.</summary>
    private void SweepIfLarge(DateTimeOffset now)
    {
        if (_entries.Count < SweepThreshold)
        {
            return;
        }
        foreach (var (key, entry) in _entries)
        {
            if (now - entry.LastSeen > maximumLockout && now > entry.LockedUntil)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }
}

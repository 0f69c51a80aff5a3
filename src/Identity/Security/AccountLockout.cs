namespace CommunityStream.Identity.Security;

/// <summary>
/// Progressive lockout per key, in memory on this node: after N consecutive failures the key is locked; each further
/// lockout doubles the period up to a cap. A success forgets the key. The login keys it by account and client address,
/// so one address's failures never lock the account for another address.
/// </summary>
internal sealed class AccountLockout(int failuresBeforeLockout, TimeSpan lockout, TimeSpan maximumLockout, TimeProvider time, int capacity = AccountLockout.DefaultCapacity)
{
    /// <summary>Keys remembered at most (about 270 bytes each with the key, measured).</summary>
    public const int DefaultCapacity = 50_000;

    private sealed class Entry : ThrottleEntry
    {
        public int Failures;
        public int Lockouts;
        public DateTimeOffset LockedUntil;
    }

    // A key idle for longer than the cap, and not locked, is forgotten along with its doubling history.
    private readonly ThrottleTable<Entry> _entries = new(capacity, (entry, now) => now - entry.LastSeen > maximumLockout && now >= entry.LockedUntil);

    public int Count => _entries.Count;

    /// <summary>How long the key stays locked, or <see langword="null"/> when it may try now.</summary>
    public TimeSpan? RetryAfter(string key)
    {
        if (_entries.Find(key) is not { } entry)
        {
            return null;
        }
        lock (entry)
        {
            var remaining = entry.LockedUntil - time.GetUtcNow();
            return remaining > TimeSpan.Zero ? remaining : null;
        }
    }

    /// <summary>Counts a failure; returns the lockout period when this failure locked the key.</summary>
    public TimeSpan? RecordFailure(string key)
    {
        var now = time.GetUtcNow();
        var entry = _entries.GetOrAdd(key, now);
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

    /// <summary>Whether the key has failed since its last success (and was not forgotten since).</summary>
    public bool HasFailed(string key) => _entries.Find(key) is not null;

    public void RecordSuccess(string key) => _entries.Remove(key);

    private TimeSpan LockoutPeriod(int lockouts)
    {
        // 2^(n-1) without overflow: past 20 doublings any sane cap has been reached.
        var factor = Math.Pow(2, Math.Min(lockouts - 1, 20));
        return TimeSpan.FromTicks((long)Math.Min(lockout.Ticks * factor, maximumLockout.Ticks));
    }
}

namespace CommunityStream.Identity.Security;

/// <summary>
/// The last line against guessing one account's password from many addresses, in memory on this node: failures of the
/// account from every address are counted in a window that opens at the first failure; once they reach the ceiling,
/// every login of the account is refused until that window ends (a bounded delay), then counting starts afresh. Set
/// high enough that only distributed guessing reaches it: one address is stopped much earlier by its own lockout.
/// </summary>
internal sealed class AccountCeiling(int failuresPerWindow, TimeSpan window, TimeProvider time, int capacity = AccountCeiling.DefaultCapacity)
{
    /// <summary>Accounts (and unknown logins) remembered at most.</summary>
    public const int DefaultCapacity = 50_000;

    private sealed class Entry : ThrottleEntry
    {
        public DateTimeOffset WindowEnds;
        public int Failures;
    }

    private readonly ThrottleTable<Entry> _entries = new(capacity, (entry, now) => now >= entry.WindowEnds);

    public int Count => _entries.Count;

    /// <summary>How long the account's logins stay refused, or <see langword="null"/> when it is under its ceiling.</summary>
    public TimeSpan? RetryAfter(string account)
    {
        if (_entries.Find(account) is not { } entry)
        {
            return null;
        }
        var now = time.GetUtcNow();
        lock (entry)
        {
            return entry.Failures >= failuresPerWindow && now < entry.WindowEnds ? entry.WindowEnds - now : null;
        }
    }

    /// <summary>Counts a failure; returns how long the account is refused when this failure reached the ceiling.</summary>
    public TimeSpan? RecordFailure(string account)
    {
        var now = time.GetUtcNow();
        var entry = _entries.GetOrAdd(account, now);
        lock (entry)
        {
            entry.LastSeen = now;
            if (now >= entry.WindowEnds)
            {
                entry.WindowEnds = now + window;
                entry.Failures = 0;
            }
            entry.Failures++;
            return entry.Failures == failuresPerWindow ? entry.WindowEnds - now : null;
        }
    }
}

using System.Collections.Concurrent;

namespace CommunityStream.Identity.Security;

/// <summary>What every throttle entry records: when its key was last seen, for expiry and for eviction at capacity.</summary>
internal abstract class ThrottleEntry
{
    public DateTimeOffset LastSeen;
}

/// <summary>
/// The entries of one throttle, bounded in memory: each time the table has doubled since the last sweep, entries that
/// have <paramref name="expired"/> are dropped, and when it still holds <paramref name="capacity"/> entries the least
/// recently seen are evicted down to three quarters. A spray of names or addresses therefore costs bounded memory and
/// amortised O(1) per new key; an eviction can only forget counts of keys idle longer than every key kept.
/// </summary>
internal sealed class ThrottleTable<TEntry>(int capacity, Func<TEntry, DateTimeOffset, bool> expired)
    where TEntry : ThrottleEntry, new()
{
    private const int FirstSweepAt = 1024;
    private readonly ConcurrentDictionary<string, TEntry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _sweeping = new();
    private int _nextSweepAt = Math.Min(FirstSweepAt, capacity);

    public int Count => _entries.Count;

    public TEntry? Find(string key) => _entries.GetValueOrDefault(key);

    /// <summary>The key's entry, created when missing; the caller locks the entry to read or change it.</summary>
    public TEntry GetOrAdd(string key, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            if (_entries.Count >= Volatile.Read(ref _nextSweepAt))
            {
                Sweep(now);
            }
            entry = _entries.GetOrAdd(key, static _ => new TEntry());
        }
        return entry;
    }

    public void Remove(string key) => _entries.TryRemove(key, out _);

    private void Sweep(DateTimeOffset now)
    {
        if (!_sweeping.TryEnter())
        {
            return;
        }
        try
        {
            foreach (var (key, entry) in _entries)
            {
                lock (entry)
                {
                    if (expired(entry, now))
                    {
                        _entries.TryRemove(key, out _);
                    }
                }
            }
            if (_entries.Count >= capacity)
            {
                var excess = _entries.Count - (capacity / 4 * 3);
                foreach (var key in _entries.OrderBy(pair => pair.Value.LastSeen).Take(excess).Select(pair => pair.Key).ToList())
                {
                    _entries.TryRemove(key, out _);
                }
            }
            Volatile.Write(ref _nextSweepAt, Math.Min(capacity, Math.Max(FirstSweepAt, _entries.Count * 2)));
        }
        finally
        {
            _sweeping.Exit();
        }
    }
}

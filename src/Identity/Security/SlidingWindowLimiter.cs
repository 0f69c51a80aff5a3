namespace CommunityStream.Identity.Security;

/// <summary>
/// At most N attempts per key (a client IP) in any sliding window, in memory on this node. Keeps the
/// timestamps of the last N attempts, so the Retry-After it reports is exact.
/// </summary>
internal sealed class SlidingWindowLimiter(int permitsPerWindow, TimeSpan window, TimeProvider time, int capacity = SlidingWindowLimiter.DefaultCapacity)
{
    /// <summary>Keys remembered at most; an idle key is forgotten once its window has passed.</summary>
    public const int DefaultCapacity = 20_000;

    private sealed class Entry : ThrottleEntry
    {
        public readonly Queue<DateTimeOffset> Attempts = new();
    }

    private readonly ThrottleTable<Entry> _entries = new(capacity, (entry, now) => now - entry.LastSeen >= window);

    public int Count => _entries.Count;

    /// <summary>Counts an attempt; returns <see langword="null"/> when allowed, else how long until one is.</summary>
    public TimeSpan? TryAcquire(string key)
    {
        var now = time.GetUtcNow();
        var entry = _entries.GetOrAdd(key, now);
        lock (entry)
        {
            var queue = entry.Attempts;
            while (queue.Count > 0 && now - queue.Peek() >= window)
            {
                queue.Dequeue();
            }
            if (queue.Count >= permitsPerWindow)
            {
                return queue.Peek() + window - now;
            }
            queue.Enqueue(now);
            entry.LastSeen = now;
            return null;
        }
    }
}

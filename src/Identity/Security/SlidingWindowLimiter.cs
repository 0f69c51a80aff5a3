using System.Collections.Concurrent;

namespace CommunityStream.Identity.Security;

/// <summary>
/// At most N attempts per key (a client IP) in any sliding window, in memory on this node. Keeps the
/// timestamps of the last N attempts, so the Retry-After it reports is exact.
/// </summary>
internal sealed class SlidingWindowLimiter(int permitsPerWindow, TimeSpan window, TimeProvider time)
{
    private const int SweepThreshold = 10_000;
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _attempts = new(StringComparer.Ordinal);

    /// <summary>Counts an attempt; returns <see langword="null"/> when allowed, else how long until one is.</summary>
    public TimeSpan? TryAcquire(string key)
    {
        var now = time.GetUtcNow();
        SweepIfLarge(now);
        var queue = _attempts.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            while (queue.Count > 0 && now - queue.Peek() >= window)
            {
                queue.Dequeue();
            }
            if (queue.Count >= permitsPerWindow)
            {
                return queue.Peek() + window - now;
            }
            queue.Enqueue(now);
            return null;
        }
    }

    private void SweepIfLarge(DateTimeOffset now)
    {
        if (_attempts.Count < SweepThreshold)
        {
            return;
        }
        foreach (var (key, queue) in _attempts)
        {
            lock (queue)
            {
                if (queue.Count == 0 || now - queue.Last() >= window)
                {
                    _attempts.TryRemove(key, out _);
                }
            }
        }
    }
}

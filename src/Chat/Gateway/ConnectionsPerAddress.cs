using System.Collections.Concurrent;
using System.Net;

namespace CommunityStream.Chat.Gateway;

/// <summary>
/// Counts open connections per client IP address, for the per-IP connection limit, and apart from them the
/// connections of trusted reverse proxies (whose clients are counted by their forwarded address).
/// </summary>
internal sealed class ConnectionsPerAddress
{
    private readonly ConcurrentDictionary<(IPAddress Address, bool Proxy), int> _counts = new();

    public bool TryAcquire(IPAddress address, int limit, bool proxy = false)
    {
        var key = (address, proxy);
        while (true)
        {
            var current = _counts.GetOrAdd(key, 0);
            if (current >= limit)
            {
                return false;
            }
            if (_counts.TryUpdate(key, current + 1, current))
            {
                return true;
            }
        }
    }

    public void Release(IPAddress address, bool proxy = false)
    {
        var key = (address, proxy);
        while (_counts.TryGetValue(key, out var current))
        {
            if (current <= 1 ? _counts.TryRemove(new KeyValuePair<(IPAddress, bool), int>(key, current)) : _counts.TryUpdate(key, current - 1, current))
            {
                return;
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Net;

namespace CommunityStream.Chat.Gateway;

/// <summary>Counts open WebSockets per client IP address, for the per-IP connection limit.</summary>
internal sealed class ConnectionsPerAddress
{
    private readonly ConcurrentDictionary<IPAddress, int> _counts = new();

    public bool TryAcquire(IPAddress address, int limit)
    {
        while (true)
        {
            var current = _counts.GetOrAdd(address, 0);
            if (current >= limit)
            {
                return false;
            }
            if (_counts.TryUpdate(address, current + 1, current))
            {
                return true;
            }
        }
    }

    public void Release(IPAddress address)
    {
        while (_counts.TryGetValue(address, out var current))
        {
            if (current <= 1 ? _counts.TryRemove(new KeyValuePair<IPAddress, int>(address, current)) : _counts.TryUpdate(address, current - 1, current))
            {
                return;
            }
        }
    }
}

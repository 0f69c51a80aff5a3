using System.Collections.Concurrent;

namespace CommunityStream.Media.Hls;

/// <summary>
/// This node's HLS channels by name: windows packaged here, mirrors of other nodes' windows, and channels known to
/// have no HLS. Each entry is added and removed by what owns it (the publisher's HLS feed, a mirror), and removed
/// only if it is still the registered one, so a newer stream of the channel is never removed by an older one's end.
/// </summary>
internal sealed class HlsChannels
{
    private readonly ConcurrentDictionary<string, HlsChannel> _channels = new(StringComparer.Ordinal);

    /// <summary>The node's HLS counters (for the meter).</summary>
    public HlsCounters Counters { get; } = new();

    public HlsChannel? Find(string channel) => _channels.TryGetValue(channel, out var found) ? found : null;

    /// <summary>Makes <paramref name="channel"/> the channel's entry; returns the one it replaced.</summary>
    public HlsChannel? Set(HlsChannel channel)
    {
        HlsChannel? replaced = null;
        _channels.AddOrUpdate(channel.Name, channel, (_, previous) =>
        {
            replaced = previous;
            return channel;
        });
        return replaced;
    }

    public bool Remove(HlsChannel channel) => _channels.TryRemove(new KeyValuePair<string, HlsChannel>(channel.Name, channel));

    public IReadOnlyList<HlsChannel> All() => [.. _channels.Values];
}

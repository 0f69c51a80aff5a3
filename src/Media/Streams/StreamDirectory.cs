using System.Collections.Concurrent;

namespace CommunityStream.Media.Streams;

/// <summary>
/// This node's view of which channels are live, for <c>GET /api/streams</c> without asking every entity. Fed by
/// <see cref="StreamDirectorySubscriber"/> from the summaries stream entities publish on change and every few
/// seconds while live; an entry nobody refreshed for <see cref="StreamState.HeartbeatTimeout"/> is dropped.
/// </summary>
internal sealed class StreamDirectory
{
    public const string Topic = "media:streams";

    private readonly ConcurrentDictionary<string, (StreamSummary Summary, DateTimeOffset At)> _live = new(StringComparer.Ordinal);

    public void Update(StreamSummary summary, DateTimeOffset now)
    {
        if (summary.Live)
        {
            _live[summary.Channel] = (summary, now);
        }
        else
        {
            _live.TryRemove(summary.Channel, out _);
        }
    }

    /// <summary>The channel's stream if it is live (as last heard), else null.</summary>
    public StreamSummary? Find(string channel, DateTimeOffset now) =>
        _live.TryGetValue(channel, out var entry) && now - entry.At < StreamState.HeartbeatTimeout ? entry.Summary : null;

    /// <summary>Live streams, most viewers first.</summary>
    public IReadOnlyList<StreamSummary> Live(DateTimeOffset now) =>
        _live.Values
            .Where(e => now - e.At < StreamState.HeartbeatTimeout)
            .Select(e => e.Summary)
            .OrderByDescending(s => s.Viewers)
            .ThenBy(s => s.Channel, StringComparer.Ordinal)
            .ToList();
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using CommunityStream.Media.Telemetry;

namespace CommunityStream.Media.Sessions;

/// <summary>
/// This node's WHIP/WHEP session resources by id, and the live feeds viewers can attach to by channel: a directory for
/// the HTTP handlers and the relay actor. Each entry is added and removed by the actor that owns it, so an entry never
/// outlives its owner; a handler that finds one still talks to the owner, which may already be gone.
/// </summary>
internal sealed class MediaSessions
{
    private readonly ConcurrentDictionary<string, SessionResource> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LiveFeed> _feeds = new(StringComparer.Ordinal);

    /// <summary>A session id: 128 random bits, base64url. The session URL is a capability, so it must be unguessable.</summary>
    public static string NewId() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public int Count => _sessions.Count;

    /// <summary>The node's counts of media events that are not per packet, for the meter.</summary>
    public MediaCounters Counters { get; } = new();

    public void Add(SessionResource session) => _sessions[session.Id] = session;

    public void Remove(SessionResource session) => _sessions.TryRemove(new KeyValuePair<string, SessionResource>(session.Id, session));

    /// <summary>
    /// The publisher's (or a viewer's) session <paramref name="id"/> of <paramref name="channel"/>, as a session URL
    /// names it: a session of another channel does not answer to this one's URL.
    /// </summary>
    public SessionResource? Find(string channel, string id, bool publisher) =>
        _sessions.TryGetValue(id, out var session) && session.Publisher == publisher && session.Channel == channel ? session : null;

    /// <summary>Makes <paramref name="feed"/> the channel's feed here; returns the one it replaced, if any.</summary>
    public LiveFeed? SetFeed(LiveFeed feed)
    {
        LiveFeed? replaced = null;
        _feeds.AddOrUpdate(feed.Channel, feed, (_, previous) =>
        {
            replaced = previous;
            return feed;
        });
        return replaced;
    }

    /// <summary>Removes the feed if it is still the channel's (a newer one may have replaced it).</summary>
    public void RemoveFeed(LiveFeed feed) => _feeds.TryRemove(new KeyValuePair<string, LiveFeed>(feed.Channel, feed));

    public LiveFeed? FindFeed(string channel) => _feeds.TryGetValue(channel, out var feed) ? feed : null;

    /// <summary>
    /// Closes the publisher session of a stream published on this node, as its WHIP DELETE would (true when it
    /// ended); null when the stream is not published here. An admin's end and the disabled-account sweep both use it.
    /// </summary>
    public Task<bool>? EndPublicationHere(string channel, string reason, CancellationToken cancel) =>
        FindFeed(channel) is { Relayed: false } feed ? SessionAsks.CloseAsync(feed.Owner, reason, cancel) : null;

    /// <summary>Every session resource held here.</summary>
    public IReadOnlyList<SessionResource> All() => [.. _sessions.Values];

    public IReadOnlyList<LiveFeed> Feeds() => [.. _feeds.Values];
}

using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CommunityStream.Media.Sessions;

/// <summary>This node's WHIP/WHEP sessions by id, and the live feeds viewers can attach to by channel.</summary>
internal sealed class MediaSessions
{
    private readonly ConcurrentDictionary<string, IMediaSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ILiveFeed> _feeds = new(StringComparer.Ordinal);

    /// <summary>A session id: 128 random bits, base64url. The session URL is a capability, so it must be unguessable.</summary>
    public static string NewId() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public int Count => _sessions.Count;

    /// <summary>Relay links this node opened to other nodes for streams published here.</summary>
    public long RelaysServed;

    public void Add(IMediaSession session) => _sessions[session.Id] = session;

    public void Remove(IMediaSession session) => _sessions.TryRemove(new KeyValuePair<string, IMediaSession>(session.Id, session));

    public T? Find<T>(string id)
        where T : class, IMediaSession => _sessions.TryGetValue(id, out var session) ? session as T : null;

    /// <summary>
    /// The publisher's (or a viewer's) session <paramref name="id"/> of <paramref name="channel"/>, as a session URL
    /// names it: a session of another channel does not answer to this one's URL.
    /// </summary>
    public IMediaSession? Find(string channel, string id, bool publisher)
    {
        IMediaSession? session = publisher ? Find<PublisherSession>(id) : Find<ViewerSession>(id);
        return session?.Channel == channel ? session : null;
    }

    public bool TryAddFeed(ILiveFeed feed) => _feeds.TryAdd(feed.Channel, feed);

    public void RemoveFeed(ILiveFeed feed) => _feeds.TryRemove(new KeyValuePair<string, ILiveFeed>(feed.Channel, feed));

    public ILiveFeed? FindFeed(string channel) => _feeds.TryGetValue(channel, out var feed) ? feed : null;

    public IReadOnlyList<IMediaSession> All() => [.. _sessions.Values];
}

namespace CommunityStream.Failover;

/// <summary>
/// What every client of one room saw at each offset. Two different messages at one offset (a split brain or a
/// double writer) count as a conflict; one clientId at two offsets counts as a duplicate seen by members.
/// </summary>
internal sealed class RoomObservations
{
    private readonly Dictionary<long, string> _textAt = [];
    private readonly Dictionary<string, HashSet<long>> _offsetsOf = [];
    private readonly HashSet<long> _conflicting = [];

    public int Room { get; init; }

    /// <summary>Records that a client saw <paramref name="text"/> at <paramref name="offset"/>.</summary>
    public void Saw(long offset, string text)
    {
        lock (_textAt)
        {
            if (_textAt.TryGetValue(offset, out var seen))
            {
                if (seen != text)
                {
                    _conflicting.Add(offset);
                }

                return;
            }

            _textAt[offset] = text;
            if (MessageText.ClientIdOf(text) is { } clientId)
            {
                if (!_offsetsOf.TryGetValue(clientId, out var offsets))
                {
                    _offsetsOf[clientId] = offsets = [];
                }

                offsets.Add(offset);
            }
        }
    }

    /// <summary>Offsets at which clients saw two different messages.</summary>
    public int ConflictingOffsets
    {
        get
        {
            lock (_textAt)
            {
                return _conflicting.Count;
            }
        }
    }

    /// <summary>ClientIds members saw at two or more offsets.</summary>
    public int DuplicateClientIds
    {
        get
        {
            lock (_textAt)
            {
                return _offsetsOf.Values.Count(o => o.Count > 1);
            }
        }
    }

    /// <summary>The offsets seen and their texts, to cross-check the final history.</summary>
    public IReadOnlyDictionary<long, string> Snapshot()
    {
        lock (_textAt)
        {
            return new Dictionary<long, string>(_textAt);
        }
    }
}

/// <summary>The text a publisher sends: <c>fo {clientId}</c>, so any reader can tell which write sits at an offset.</summary>
internal static class MessageText
{
    private const string Prefix = "fo ";

    public static string For(string clientId) => Prefix + clientId;

    public static string? ClientIdOf(string? text) =>
        text is not null && text.StartsWith(Prefix, StringComparison.Ordinal) && text.Length > Prefix.Length ? text[Prefix.Length..] : null;
}

using System.Collections.Immutable;
using static CommunityStream.Chat.Rooms.RoomEvents;

namespace CommunityStream.Chat.Rooms;

/// <summary>
/// A room's state: settings, bans, the retained history and idempotency keys. Immutable; decisions in
/// <see cref="Process"/> (RoomState.Process.cs), changes only through <see cref="Apply"/>.
/// </summary>
internal sealed partial record RoomState
{
    /// <summary>A room that was never created.</summary>
    public static RoomState Empty(RoomLimits limits) => new() { Limits = limits };

    public required RoomLimits Limits { get; init; }

    public bool Exists { get; init; }

    public string Epoch { get; init; } = "";

    public Guid? OwnerId { get; init; }

    public string? OwnerName { get; init; }

    /// <summary>The owner's account was deleted (<see cref="AccountForgotten"/>): a channel room looks its name's holder up again.</summary>
    public bool OwnerForgotten { get; init; }

    public long LatestOffset { get; init; }

    /// <summary>Retained messages, contiguous offsets, oldest first.</summary>
    public ImmutableList<ChatMessage> Messages { get; init; } = [];

    public ImmutableHashSet<long> Deleted { get; init; } = [];

    /// <summary>Messages at or below this offset were cleared by a moderator.</summary>
    public long ClearedThrough { get; init; }

    public RoomSettings Settings { get; init; } = new(0, false, false, true, 1000);

    public ImmutableHashSet<string> Moderators { get; init; } = [];

    /// <summary>Why an administrator closed the room; null while it is open.</summary>
    public string? ClosedReason { get; init; }

    public bool Closed => ClosedReason is not null;

    public ImmutableHashSet<string> Banned { get; init; } = [];

    public ImmutableDictionary<string, DateTimeOffset> TimedOutUntil { get; init; } = ImmutableDictionary<string, DateTimeOffset>.Empty;

    /// <summary>"{userId}/{clientId}" → offset, for idempotent resends; bounded by <see cref="RoomLimits.ClientIdCapacity"/>.</summary>
    public ImmutableDictionary<string, long> ClientIds { get; init; } = ImmutableDictionary<string, long>.Empty;

    public ImmutableQueue<string> ClientIdOrder { get; init; } = [];

    /// <summary>Post times per user inside the rate window (rebuilt from events; a snapshot starts it empty).</summary>
    public ImmutableDictionary<Guid, ImmutableQueue<DateTimeOffset>> RecentPosts { get; init; } = ImmutableDictionary<Guid, ImmutableQueue<DateTimeOffset>>.Empty;

    /// <summary>The oldest offset still retained (LatestOffset + 1 when none is).</summary>
    public long FirstRetainedOffset => Messages.IsEmpty ? LatestOffset + 1 : Messages[0].Offset;

    /// <summary>Applies an event; the only way state changes.</summary>
    public RoomState Apply(IRoomEvent @event) => @event switch
    {
        RoomCreated e => this with
        {
            Exists = true,
            Epoch = e.Epoch,
            OwnerId = e.OwnerId,
            OwnerName = e.OwnerName,
            Settings = Settings with { AnonymousRead = e.AnonymousRead, HistoryRetention = e.Retention },
        },
        MessagePosted e => ApplyPosted(e),
        MessageDeleted e => this with { Deleted = Deleted.Add(e.Offset) },
        UserTimedOut e => this with { TimedOutUntil = TimedOutUntil.SetItem(e.User, e.Until) },
        UserBanned e => this with { Banned = Banned.Add(e.User) },
        UserUnbanned e => this with { Banned = Banned.Remove(e.User), TimedOutUntil = TimedOutUntil.Remove(e.User) },
        ChatCleared e => this with { ClearedThrough = Math.Max(ClearedThrough, e.ThroughOffset) },
        SlowModeChanged e => this with { Settings = Settings with { SlowSeconds = e.Seconds } },
        MembersOnlyChanged e => this with { Settings = Settings with { MembersOnly = e.Enabled } },
        EmoteOnlyChanged e => this with { Settings = Settings with { EmoteOnly = e.Enabled } },
        ModeratorAdded e => this with { Moderators = Moderators.Add(e.User) },
        ModeratorRemoved e => this with { Moderators = Moderators.Remove(e.User) },
        RoomClosed e => this with { ClosedReason = e.Reason },
        RoomReopened => this with { ClosedReason = null },
        AccountForgotten e => this with
        {
            Moderators = Moderators.Remove(e.User),
            Banned = Banned.Remove(e.User),
            TimedOutUntil = TimedOutUntil.Remove(e.User),
            OwnerId = OwnerId == e.UserId ? null : OwnerId,
            OwnerName = OwnerId == e.UserId ? null : OwnerName,
            OwnerForgotten = OwnerForgotten || OwnerId == e.UserId,
        },
        OwnerAssigned e => this with { OwnerId = e.OwnerId, OwnerName = e.OwnerName, OwnerForgotten = false },
        SettingsChanged e => (this with { Settings = Settings with { AnonymousRead = e.AnonymousRead, HistoryRetention = e.HistoryRetention } }).Trim(),
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name, "Unknown room event."),
    };

    /// <summary>True when clients may see the message (not deleted, not cleared).</summary>
    public bool IsVisible(ChatMessage message) => message.Offset > ClearedThrough && !Deleted.Contains(message.Offset);

    /// <summary>Visible messages with <paramref name="after"/> &lt; offset &lt; <paramref name="before"/>, the latest <paramref name="limit"/>, oldest first.</summary>
    public ChatMessage[] VisibleBetween(long after, long before, int limit)
    {
        var picked = new List<ChatMessage>(Math.Min(limit, Math.Max(Messages.Count, 0)));
        for (var i = Messages.Count - 1; i >= 0 && picked.Count < limit; i--)
        {
            var message = Messages[i];
            if (message.Offset <= after)
            {
                break;
            }
            if (message.Offset < before && IsVisible(message))
            {
                picked.Add(message);
            }
        }
        picked.Reverse();
        return [.. picked];
    }

    /// <summary>
    /// The messages a joining client gets: exactly those after its position when it can recover
    /// (same epoch, gap within retention), otherwise the visible tail.
    /// </summary>
    public (bool Recovered, ChatMessage[] Messages) HistoryFor(RecoverPosition? recover, int history)
    {
        if (recover is not null && recover.Epoch == Epoch && recover.Offset <= LatestOffset && recover.Offset >= FirstRetainedOffset - 1)
        {
            return (true, VisibleBetween(recover.Offset, long.MaxValue, int.MaxValue));
        }
        return (false, VisibleBetween(0, long.MaxValue, history));
    }

    private RoomState ApplyPosted(MessagePosted e)
    {
        var message = e.Message;
        var state = this with { LatestOffset = message.Offset, Messages = Messages.Add(message) };
        if (e.ClientId is not null)
        {
            var key = ClientKey(message.AuthorId, e.ClientId);
            var ids = state.ClientIds.SetItem(key, message.Offset);
            var order = state.ClientIdOrder.Enqueue(key);
            while (ids.Count > Limits.ClientIdCapacity && !order.IsEmpty)
            {
                order = order.Dequeue(out var oldest);
                ids = ids.Remove(oldest);
            }
            state = state with { ClientIds = ids, ClientIdOrder = order };
        }
        var posts = RecentPosts.TryGetValue(message.AuthorId, out var queue) ? queue : [];
        posts = posts.Enqueue(message.Time);
        // Keep the window and the slow-mode interval, whichever is longer: both decide the next post.
        var keep = TimeSpan.FromSeconds(Math.Max(Limits.RateLimitWindow.TotalSeconds, state.Settings.SlowSeconds));
        while (!posts.Dequeue().IsEmpty && posts.Peek() < message.Time - keep)
        {
            posts = posts.Dequeue();
        }
        return (state with { RecentPosts = RecentPosts.SetItem(message.AuthorId, posts) }).Trim();
    }

    private RoomState Trim()
    {
        var excess = Messages.Count - Settings.HistoryRetention;
        if (excess <= 0)
        {
            return this;
        }
        var messages = Messages.RemoveRange(0, excess);
        var first = messages.IsEmpty ? LatestOffset + 1 : messages[0].Offset;
        return this with { Messages = messages, Deleted = Deleted.IsEmpty ? Deleted : Deleted.Where(o => o >= first).ToImmutableHashSet() };
    }

    internal static string ClientKey(Guid userId, string clientId) => $"{userId:N}/{clientId}";
}

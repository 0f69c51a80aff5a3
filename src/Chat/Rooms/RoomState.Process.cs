using System.Text.RegularExpressions;
using static CommunityStream.Chat.Rooms.RoomCommands;
using static CommunityStream.Chat.Rooms.RoomEvents;
using static CommunityStream.Chat.Rooms.RoomReplies;

namespace CommunityStream.Chat.Rooms;

/// <summary>The room's decisions: pure functions of the state, the command and the clock.</summary>
internal sealed partial record RoomState
{
    /// <summary>Longest timeout a moderator may give (14 days, as the protocol doc says).</summary>
    public const int MaxTimeoutSeconds = 1_209_600;

    /// <summary>
    /// Decides a command of an existing room: the reply and the events to persist before replying.
    /// Presence counts in replies are zero; the actor fills them in from its tally.
    /// </summary>
    public RoomDecision Process(IRoomCommand command, DateTimeOffset now) => command switch
    {
        _ when !Exists => RoomDecision.ReplyOnly(new Rejected("room_not_found", "No such room.")),
        Join or Post when Closed => RoomDecision.ReplyOnly(ClosedRefusal()),
        GetMessages query when Closed && query.User is not { IsAdmin: true } => RoomDecision.ReplyOnly(ClosedRefusal()),
        GetAdminView => RoomDecision.ReplyOnly(AdminView(command.Room, now)),
        Post post => DecidePost(post, now),
        Join join => CanRead(join.User) is { } refusal
            ? RoomDecision.ReplyOnly(refusal)
            : RoomDecision.ReplyOnly(JoinReply(join)),
        Moderate moderate => DecideModeration(moderate, now),
        ForgetAccounts forget => DecideForgetting(forget, now),
        GetMessages query => CanRead(query.User) is { } refusal
            ? RoomDecision.ReplyOnly(refusal)
            : RoomDecision.ReplyOnly(new Messages(query.Room, Epoch, LatestOffset, VisibleBetween(query.After, query.Before ?? long.MaxValue, query.Limit))),
        FetchRange range => RoomDecision.ReplyOnly(new Messages(range.Room, Epoch, LatestOffset, VisibleBetween(range.After, range.Before, int.MaxValue))),
        GetAuthorMessages export => RoomDecision.ReplyOnly(new Messages(export.Room, Epoch, LatestOffset,
            [.. Messages.Where(m => m.Offset > export.After && m.AuthorId == export.Author).Take(export.Limit)])),
        GetInfo info => RoomDecision.ReplyOnly(new Info(info.Room, Epoch, LatestOffset, 0, Settings, OwnerName, [.. Moderators.Order(StringComparer.Ordinal)])),
        Create => RoomDecision.ReplyOnly(new Rejected("room_exists", "The room already exists.")),
        _ => RoomDecision.ReplyOnly(new Rejected("bad_frame", "Unsupported command.")),
    };

    /// <summary>
    /// Whether an account may own a channel room of its name: it exists, is enabled, and is a streamer or an admin.
    /// </summary>
    public static bool MayOwnChannel(string? username, bool disabled, IReadOnlyList<string> roles) =>
        username is not null && !disabled &&
        roles.Any(r => string.Equals(r, Identity.Contracts.Roles.Streamer, StringComparison.OrdinalIgnoreCase) ||
                       string.Equals(r, Identity.Contracts.Roles.Admin, StringComparison.OrdinalIgnoreCase));

    /// <summary>True for the owner, room moderators, site moderators and admins.</summary>
    public bool IsModerator(ChatUser? user) => user is not null &&
        (IsOwnerOrAdmin(user) || user.IsSiteModerator || Moderators.Contains(user.Key));

    /// <summary>True for the room's owner and admins.</summary>
    public bool IsOwnerOrAdmin(ChatUser? user) => user is not null && (user.IsAdmin || (OwnerId is { } owner && owner == user.Id));

    /// <summary>Null when <paramref name="user"/> may read the room, else the refusal.</summary>
    public Rejected? CanRead(ChatUser? user)
    {
        if (user is null && (!Settings.AnonymousRead || Settings.MembersOnly))
        {
            return new Rejected("forbidden", "Sign in to read this room.");
        }
        if (user is not null && Banned.Contains(user.Key) && !IsOwnerOrAdmin(user))
        {
            return new Rejected("banned", "You are banned from this room.");
        }
        return null;
    }

    private Joined JoinReply(Join join)
    {
        var (recovered, messages) = HistoryFor(join.Recover, Math.Clamp(join.History, 0, 100));
        return new Joined(join.Room, Epoch, LatestOffset, recovered, messages, 0, Settings);
    }

    private RoomDecision DecidePost(Post post, DateTimeOffset now)
    {
        if (post.User is not { } user)
        {
            return Refuse("forbidden", "Anonymous connections cannot post.");
        }
        if (post.ClientId is not null && ClientIds.TryGetValue(ClientKey(user.Id, post.ClientId), out var original))
        {
            return RoomDecision.ReplyOnly(new Acked(post.Room, post.ClientId, original, Duplicate: true));
        }
        var privileged = IsModerator(user);
        if (!privileged && Banned.Contains(user.Key))
        {
            return Refuse("banned", "You are banned from this room.");
        }
        if (!privileged && TimedOutUntil.TryGetValue(user.Key, out var until) && until > now)
        {
            return Refuse("timed_out", "You are timed out.", until - now);
        }
        var length = post.Text.EnumerateRunes().Count();
        if (length == 0 || length > Limits.MaxMessageLength || string.IsNullOrWhiteSpace(post.Text))
        {
            return Refuse("message_too_long", $"Messages are 1 to {Limits.MaxMessageLength} characters.");
        }
        if (!privileged && Settings.EmoteOnly && !EmotesOnly().IsMatch(post.Text))
        {
            return Refuse("emote_only", "This room is emote-only.");
        }
        RecentPosts.TryGetValue(user.Id, out var recent);
        if (!privileged && Settings.SlowSeconds > 0 && recent is { IsEmpty: false })
        {
            var next = recent.Last() + TimeSpan.FromSeconds(Settings.SlowSeconds);
            if (next > now)
            {
                return Refuse("slow_mode", $"Slow mode: one message every {Settings.SlowSeconds} s.", next - now);
            }
        }
        var allowed = Limits.RateLimitMessages * (privileged ? Limits.ModeratorRateMultiplier : 1);
        if (recent is not null)
        {
            var inWindow = recent.Where(t => t > now - Limits.RateLimitWindow).ToArray();
            if (inWindow.Length >= allowed)
            {
                var retry = inWindow[^allowed] + Limits.RateLimitWindow - now;
                return Refuse("rate_limited", $"{allowed} messages per {Limits.RateLimitWindow.TotalSeconds:0} s", retry);
            }
        }
        var message = new ChatMessage(LatestOffset + 1, Guid.CreateVersion7(now), user.Id, user.Name, post.Text, now);
        return new RoomDecision(new Acked(post.Room, post.ClientId, message.Offset, Duplicate: false), [new MessagePosted(message, post.ClientId)]);
    }

    private RoomDecision DecideModeration(Moderate command, DateTimeOffset now)
    {
        var request = command.Request;
        var by = command.User.Name;
        var ownerOnly = request.Action is "add_moderator" or "remove_moderator" or "settings";
        if (request.Action is "close" or "open")
        {
            return DecideClosing(command, now);
        }
        if (ownerOnly ? !IsOwnerOrAdmin(command.User) : !IsModerator(command.User))
        {
            return Refuse("forbidden", ownerOnly ? "Only the owner or an admin may do this." : "Only moderators may do this.");
        }
        var target = request.User?.ToLowerInvariant();
        if (request.Action is "timeout" or "ban" or "unban" or "add_moderator" or "remove_moderator" && RoomId.TryParse(target) is null)
        {
            return Refuse("bad_frame", "`user` must be a username.");
        }
        if (request.Action is "timeout" or "ban" && (target == OwnerName?.ToLowerInvariant() || (Moderators.Contains(target!) && !IsOwnerOrAdmin(command.User))))
        {
            return Refuse("forbidden", "The owner cannot be timed out or banned, and only the owner or an admin may ban a moderator.");
        }
        IModerationEvent? @event = request.Action switch
        {
            "delete" when request.Offset is { } offset && offset >= 1 && offset <= LatestOffset => new MessageDeleted(offset, by, now),
            "timeout" when request.Seconds is { } s && s is >= 1 and <= MaxTimeoutSeconds => new UserTimedOut(target!, s, now.AddSeconds(s), by, now),
            "ban" => new UserBanned(target!, by, now),
            "unban" => new UserUnbanned(target!, by, now),
            "clear" => new ChatCleared(LatestOffset, by, now),
            "slow" when request.Seconds is { } s && s is >= 0 and <= 3600 => new SlowModeChanged(s, by, now),
            "members_only" when request.Enabled is { } enabled => new MembersOnlyChanged(enabled, by, now),
            "emote_only" when request.Enabled is { } enabled => new EmoteOnlyChanged(enabled, by, now),
            "add_moderator" => new ModeratorAdded(target!, by, now),
            "remove_moderator" => new ModeratorRemoved(target!, by, now),
            "settings" when (request.AnonymousRead is not null || request.HistoryRetention is not null) &&
                            request.HistoryRetention is null or (>= 10 and <= 10_000) =>
                new SettingsChanged(request.AnonymousRead ?? Settings.AnonymousRead, request.HistoryRetention ?? Settings.HistoryRetention, by, now),
            _ => null,
        };
        return @event is null
            ? Refuse("bad_frame", $"Invalid `{request.Action}` action or fields.")
            : new RoomDecision(new Moderated(command.Room, request.Action), [@event]);
    }

    /// <summary>One <see cref="AccountForgotten"/> per account this room still knows by name or as owner; none when it knows none.</summary>
    private RoomDecision DecideForgetting(ForgetAccounts command, DateTimeOffset now)
    {
        var events = new List<IRoomEvent>();
        foreach (var account in command.Accounts)
        {
            var key = account.Username.ToLowerInvariant();
            if (OwnerId == account.UserId || Moderators.Contains(key) || Banned.Contains(key) || TimedOutUntil.ContainsKey(key))
            {
                events.Add(new AccountForgotten(key, account.UserId, "system", now));
            }
        }
        return new RoomDecision(new Moderated(command.Room, "forget_accounts"), events);
    }

    /// <summary>Only administrators close and reopen rooms (the admin API); closing a closed room changes nothing.</summary>
    private RoomDecision DecideClosing(Moderate command, DateTimeOffset now)
    {
        if (!command.User.IsAdmin)
        {
            return Refuse("forbidden", "Only an administrator may close or open a room.");
        }
        var reason = string.IsNullOrWhiteSpace(command.Request.Reason) ? "closed by an administrator" : command.Request.Reason.Trim();
        if (reason.Length > 200 || reason.Any(char.IsControl))
        {
            return Refuse("bad_frame", "A reason is at most 200 characters without control characters.");
        }
        return command.Request.Action switch
        {
            "close" when Closed => RoomDecision.ReplyOnly(new Moderated(command.Room, "close")),
            "close" => new RoomDecision(new Moderated(command.Room, "close"), [new RoomClosed(reason, command.User.Name, now)]),
            _ when !Closed => RoomDecision.ReplyOnly(new Moderated(command.Room, "open")),
            _ => new RoomDecision(new Moderated(command.Room, "open"), [new RoomReopened(command.User.Name, now)]),
        };
    }

    private Rejected ClosedRefusal() => new("room_closed", $"The room is closed: {ClosedReason}.");

    /// <summary>What administrators see; presence is filled in by the actor from its tally.</summary>
    private AdminView AdminView(RoomId room, DateTimeOffset now) => new(
        room, Epoch, LatestOffset, FirstRetainedOffset, Messages.Count, OwnerName, Settings, ClosedReason,
        [.. Moderators.Order(StringComparer.Ordinal)],
        [.. Banned.Order(StringComparer.Ordinal)],
        [.. TimedOutUntil.Where(t => t.Value > now).OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new UserTimeout(t.Key, t.Value))],
        0,
        []);

    private static RoomDecision Refuse(string code, string message, TimeSpan? retryAfter = null) =>
        RoomDecision.ReplyOnly(new Rejected(code, message, retryAfter is { } wait ? (long)Math.Ceiling(wait.TotalMilliseconds) : null));

    // Emotes are :name: tokens separated by whitespace.
    [GeneratedRegex(@"^\s*(:[A-Za-z0-9_]{1,32}:\s*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmotesOnly();
}

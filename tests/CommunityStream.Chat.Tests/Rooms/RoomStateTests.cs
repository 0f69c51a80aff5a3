using CommunityStream.Chat.Rooms;
using static CommunityStream.Chat.Rooms.RoomCommands;
using static CommunityStream.Chat.Rooms.RoomEvents;
using static CommunityStream.Chat.Rooms.RoomReplies;

namespace CommunityStream.Chat.Tests.Rooms;

/// <summary>The room's decisions as pure functions: no ActorSystem, an explicit clock.</summary>
public sealed class RoomStateTests
{
    private static readonly RoomId Room = new("alice");
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 5, 0, 0, TimeSpan.Zero);
    private static readonly ChatUser Owner = new(Guid.NewGuid(), "Alice", false, false);
    private static readonly ChatUser Bob = new(Guid.NewGuid(), "bob", false, false);
    private static readonly ChatUser Carol = new(Guid.NewGuid(), "carol", false, false);
    private static readonly ChatUser Admin = new(Guid.NewGuid(), "root", true, false);

    private static RoomState NewRoom(RoomLimits? limits = null, int retention = 1000) =>
        RoomState.Empty(limits ?? RoomLimits.Default).Apply(new RoomCreated("e-1", Owner.Id, Owner.Name, true, retention, T0));

    /// <summary>Processes a command and applies its events, like the actor does after persisting.</summary>
    private static (RoomState State, object Reply) Run(RoomState state, IRoomCommand command, DateTimeOffset now)
    {
        var decision = state.Process(command, now);
        return (decision.Events.Aggregate(state, (s, e) => s.Apply(e)), decision.Reply);
    }

    private static RoomState PostMany(RoomState state, ChatUser user, int count, DateTimeOffset start, TimeSpan spacing)
    {
        for (var i = 0; i < count; i++)
        {
            (state, var reply) = Run(state, new Post(Room, user, $"m{i}", null), start + (spacing * i));
            Assert.IsType<Acked>(reply);
        }
        return state;
    }

    [Fact]
    public void Should_refuse_everything_before_the_room_exists()
    {
        var reply = RoomState.Empty(RoomLimits.Default).Process(new Post(Room, Bob, "hi", null), T0).Reply;
        Assert.Equal("room_not_found", Assert.IsType<Rejected>(reply).Code);
    }

    [Fact]
    public void Should_assign_consecutive_offsets_from_one()
    {
        var state = NewRoom();
        (state, var first) = Run(state, new Post(Room, Bob, "one", "a"), T0);
        (state, var second) = Run(state, new Post(Room, Carol, "two", "a"), T0.AddSeconds(1));

        Assert.Equal(1, Assert.IsType<Acked>(first).Offset);
        Assert.Equal(2, Assert.IsType<Acked>(second).Offset);
        Assert.Equal(2, state.LatestOffset);
        Assert.Equal(["one", "two"], state.Messages.Select(m => m.Text));
    }

    [Fact]
    public void Should_return_the_original_ack_for_a_resent_client_id_and_post_nothing()
    {
        var state = NewRoom();
        (state, _) = Run(state, new Post(Room, Bob, "hello", "m-1"), T0);
        var decision = state.Process(new Post(Room, Bob, "hello", "m-1"), T0.AddSeconds(1));

        var ack = Assert.IsType<Acked>(decision.Reply);
        Assert.True(ack.Duplicate);
        Assert.Equal(1, ack.Offset);
        Assert.Empty(decision.Events);
        // The same client id from another user is another message.
        Assert.False(Assert.IsType<Acked>(state.Process(new Post(Room, Carol, "hello", "m-1"), T0).Reply).Duplicate);
    }

    [Fact]
    public void Should_forget_the_oldest_client_ids_beyond_capacity()
    {
        var state = RoomState.Empty(RoomLimits.Default with { ClientIdCapacity = 2, RateLimitMessages = 100 })
            .Apply(new RoomCreated("e-1", Owner.Id, Owner.Name, true, 1000, T0));
        foreach (var id in new[] { "a", "b", "c" })
        {
            (state, _) = Run(state, new Post(Room, Bob, id, id), T0);
        }
        Assert.False(Assert.IsType<Acked>(state.Process(new Post(Room, Bob, "a", "a"), T0).Reply).Duplicate);
        Assert.True(Assert.IsType<Acked>(state.Process(new Post(Room, Bob, "c", "c"), T0).Reply).Duplicate);
    }

    [Theory]
    [InlineData("delete", true)]
    [InlineData("ban", true)]
    [InlineData("settings", false)]
    [InlineData("add_moderator", false)]
    public void Should_allow_moderation_by_role(string action, bool moderatorAllowed)
    {
        var state = NewRoom();
        (state, _) = Run(state, new Post(Room, Bob, "hi", null), T0);
        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("add_moderator", User: "mod")), T0);
        var moderator = new ChatUser(Guid.NewGuid(), "mod", false, false);
        var request = new ModerationRequest(action, User: "carol", Offset: 1, AnonymousRead: false);

        Assert.IsType<Moderated>(state.Process(new Moderate(Room, Owner, request), T0).Reply);
        Assert.IsType<Moderated>(state.Process(new Moderate(Room, Admin, request), T0).Reply);
        Assert.Equal("forbidden", Assert.IsType<Rejected>(state.Process(new Moderate(Room, Bob, request), T0).Reply).Code);
        var byModerator = state.Process(new Moderate(Room, moderator, request), T0).Reply;
        if (moderatorAllowed)
        {
            Assert.IsType<Moderated>(byModerator);
        }
        else
        {
            Assert.Equal("forbidden", Assert.IsType<Rejected>(byModerator).Code);
        }
    }

    [Fact]
    public void Should_refuse_anonymous_posts_and_banned_users()
    {
        var state = NewRoom();
        Assert.Equal("forbidden", Assert.IsType<Rejected>(state.Process(new Post(Room, null, "hi", null), T0).Reply).Code);
        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("ban", User: "BOB")), T0);

        Assert.Equal("banned", Assert.IsType<Rejected>(state.Process(new Post(Room, Bob, "hi", null), T0).Reply).Code);
        Assert.Equal("banned", Assert.IsType<Rejected>(state.Process(new Join(Room, Bob, 50, null), T0).Reply).Code);
        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("unban", User: "bob")), T0);
        Assert.IsType<Acked>(state.Process(new Post(Room, Bob, "hi", null), T0).Reply);
    }

    [Fact]
    public void Should_time_a_user_out_until_the_deadline()
    {
        var state = NewRoom();
        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("timeout", User: "bob", Seconds: 600)), T0);

        var refused = Assert.IsType<Rejected>(state.Process(new Post(Room, Bob, "hi", null), T0.AddSeconds(100)).Reply);
        Assert.Equal("timed_out", refused.Code);
        Assert.Equal(500_000, refused.RetryAfterMs);
        Assert.IsType<Acked>(state.Process(new Post(Room, Bob, "hi", null), T0.AddSeconds(601)).Reply);
        Assert.Equal("forbidden", Assert.IsType<Rejected>(state.Process(new Moderate(Room, Admin, new ModerationRequest("timeout", User: "alice", Seconds: 5)), T0).Reply).Code);
    }

    [Fact]
    public void Should_space_messages_in_slow_mode_except_for_moderators()
    {
        var state = NewRoom();
        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("slow", Seconds: 10)), T0);
        (state, _) = Run(state, new Post(Room, Bob, "one", null), T0);

        var refused = Assert.IsType<Rejected>(state.Process(new Post(Room, Bob, "two", null), T0.AddSeconds(4)).Reply);
        Assert.Equal("slow_mode", refused.Code);
        Assert.Equal(6000, refused.RetryAfterMs);
        Assert.IsType<Acked>(state.Process(new Post(Room, Bob, "two", null), T0.AddSeconds(10)).Reply);
        (state, _) = Run(state, new Post(Room, Owner, "one", null), T0);
        Assert.IsType<Acked>(state.Process(new Post(Room, Owner, "two", null), T0.AddSeconds(1)).Reply);
    }

    [Fact]
    public void Should_rate_limit_per_user_with_a_higher_limit_for_moderators()
    {
        var state = PostMany(NewRoom(), Bob, 20, T0, TimeSpan.FromSeconds(1));

        var refused = Assert.IsType<Rejected>(state.Process(new Post(Room, Bob, "21st", null), T0.AddSeconds(20)).Reply);
        Assert.Equal("rate_limited", refused.Code);
        // The oldest of the 20 (at T0) leaves the 30 s window at T0+30 s.
        Assert.Equal(10_000, refused.RetryAfterMs);
        Assert.IsType<Acked>(state.Process(new Post(Room, Carol, "other user", null), T0.AddSeconds(20)).Reply);
        Assert.IsType<Acked>(state.Process(new Post(Room, Bob, "later", null), T0.AddSeconds(30.5)).Reply);

        var owner = PostMany(NewRoom(), Owner, 100, T0, TimeSpan.FromMilliseconds(10));
        Assert.Equal("rate_limited", Assert.IsType<Rejected>(owner.Process(new Post(Room, Owner, "101st", null), T0.AddSeconds(2)).Reply).Code);
    }

    [Fact]
    public void Should_enforce_length_and_emote_only()
    {
        var state = NewRoom();
        Assert.Equal("message_too_long", Assert.IsType<Rejected>(state.Process(new Post(Room, Bob, new string('x', 501), null), T0).Reply).Code);
        Assert.Equal("message_too_long", Assert.IsType<Rejected>(state.Process(new Post(Room, Bob, "  ", null), T0).Reply).Code);
        // 500 emoji are 1000 UTF-16 units but 500 characters.
        Assert.IsType<Acked>(state.Process(new Post(Room, Bob, string.Concat(Enumerable.Repeat("😀", 500)), null), T0).Reply);

        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("emote_only", Enabled: true)), T0);
        Assert.Equal("emote_only", Assert.IsType<Rejected>(state.Process(new Post(Room, Bob, "hello :wave:", null), T0).Reply).Code);
        Assert.IsType<Acked>(state.Process(new Post(Room, Bob, ":wave: :kappa:", null), T0).Reply);
    }

    [Fact]
    public void Should_keep_anonymous_readers_out_of_members_only_and_private_rooms()
    {
        var state = NewRoom();
        Assert.IsType<Joined>(state.Process(new Join(Room, null, 50, null), T0).Reply);
        var membersOnly = Run(state, new Moderate(Room, Owner, new ModerationRequest("members_only", Enabled: true)), T0).State;
        Assert.Equal("forbidden", Assert.IsType<Rejected>(membersOnly.Process(new Join(Room, null, 50, null), T0).Reply).Code);
        Assert.IsType<Joined>(membersOnly.Process(new Join(Room, Bob, 50, null), T0).Reply);
        var closed = Run(state, new Moderate(Room, Owner, new ModerationRequest("settings", AnonymousRead: false)), T0).State;
        Assert.Equal("forbidden", Assert.IsType<Rejected>(closed.Process(new GetMessages(Room, null, 0, null, 50), T0).Reply).Code);
    }

    [Fact]
    public void Should_hide_deleted_and_cleared_messages_from_history_and_recovery()
    {
        var state = PostMany(NewRoom(), Bob, 5, T0, TimeSpan.FromSeconds(2));
        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("delete", Offset: 4)), T0);
        Assert.Equal([1L, 2, 3, 5], state.VisibleBetween(0, long.MaxValue, 50).Select(m => m.Offset));
        Assert.Equal([3L, 5], state.HistoryFor(new RecoverPosition("e-1", 2), 50).Messages.Select(m => m.Offset));

        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("clear")), T0);
        (state, _) = Run(state, new Post(Room, Carol, "after clear", null), T0.AddMinutes(1));
        Assert.Equal([6L], state.VisibleBetween(0, long.MaxValue, 50).Select(m => m.Offset));
        var page = Assert.IsType<Messages>(state.Process(new GetMessages(Room, Bob, 0, 7, 50), T0).Reply);
        Assert.Equal([6L], page.Items.Select(m => m.Offset));
    }

    [Fact]
    public void Should_recover_exactly_the_missed_range_only_within_retention_and_epoch()
    {
        var state = PostMany(NewRoom(retention: 10), Bob, 15, T0, TimeSpan.FromSeconds(2));
        Assert.Equal(6, state.FirstRetainedOffset);

        var (recovered, messages) = state.HistoryFor(new RecoverPosition("e-1", 12), 50);
        Assert.True(recovered);
        Assert.Equal([13L, 14, 15], messages.Select(m => m.Offset));
        Assert.True(state.HistoryFor(new RecoverPosition("e-1", 5), 50).Recovered);
        Assert.True(state.HistoryFor(new RecoverPosition("e-1", 15), 50) is { Recovered: true, Messages.Length: 0 });

        var (beyond, tail) = state.HistoryFor(new RecoverPosition("e-1", 4), 3);
        Assert.False(beyond);
        Assert.Equal([13L, 14, 15], tail.Select(m => m.Offset));
        Assert.False(state.HistoryFor(new RecoverPosition("e-other", 12), 50).Recovered);
        Assert.False(state.HistoryFor(new RecoverPosition("e-1", 99), 50).Recovered);
    }

    [Fact]
    public void Should_page_history_before_an_offset()
    {
        var state = PostMany(NewRoom(), Bob, 12, T0, TimeSpan.FromSeconds(2));
        var page = Assert.IsType<Messages>(state.Process(new GetMessages(Room, null, 0, 10, 3), T0).Reply);
        Assert.Equal([7L, 8, 9], page.Items.Select(m => m.Offset));
        Assert.Equal(12, page.Latest);
    }

    [Fact]
    public void Should_restore_the_same_state_from_a_snapshot()
    {
        var state = PostMany(NewRoom(retention: 5), Bob, 8, T0, TimeSpan.FromSeconds(2));
        (state, _) = Run(state, new Post(Room, Carol, "keyed", "k-1"), T0.AddMinutes(1));
        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("ban", User: "dave")), T0);
        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("delete", Offset: 7)), T0);
        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("timeout", User: "eve", Seconds: 60)), T0);
        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("add_moderator", User: "mod")), T0);

        var restored = RoomState.FromSnapshot(state.ToSnapshot(), RoomLimits.Default);

        Assert.Equal(state.ToSnapshot() with { }, restored.ToSnapshot(), new SnapshotComparer());
        Assert.True(Assert.IsType<Acked>(restored.Process(new Post(Room, Carol, "keyed", "k-1"), T0).Reply).Duplicate);
        Assert.Equal(10, Assert.IsType<Acked>(restored.Process(new Post(Room, Bob, "next", null), T0.AddHours(1)).Reply).Offset);
    }

    [Fact]
    public void Should_let_only_admins_close_a_room_and_refuse_joins_and_posts_until_it_reopens()
    {
        var state = PostMany(NewRoom(), Bob, 2, T0, TimeSpan.FromSeconds(2));
        Assert.Equal("forbidden", Assert.IsType<Rejected>(Run(state, new Moderate(Room, Owner, new ModerationRequest("close")), T0).Reply).Code);

        var (closed, reply) = Run(state, new Moderate(Room, Admin, new ModerationRequest("close", Reason: "maintenance")), T0);
        Assert.Equal("close", Assert.IsType<Moderated>(reply).Action);
        Assert.Equal("maintenance", closed.ClosedReason);
        Assert.Equal("room_closed", Assert.IsType<Rejected>(closed.Process(new Join(Room, Bob, 50, null), T0).Reply).Code);
        Assert.Equal("room_closed", Assert.IsType<Rejected>(closed.Process(new Post(Room, Admin, "hi", null), T0).Reply).Code);
        Assert.Equal("room_closed", Assert.IsType<Rejected>(closed.Process(new GetMessages(Room, Bob, 0, null, 10), T0).Reply).Code);
        // Administrators still read its history; closing again changes nothing.
        Assert.Equal(2, Assert.IsType<Messages>(closed.Process(new GetMessages(Room, Admin, 0, null, 10), T0).Reply).Items.Length);
        Assert.Empty(closed.Process(new Moderate(Room, Admin, new ModerationRequest("close")), T0).Events);
        // A snapshot keeps it closed.
        Assert.True(RoomState.FromSnapshot(closed.ToSnapshot(), RoomLimits.Default).Closed);

        var (reopened, _) = Run(closed, new Moderate(Room, Admin, new ModerationRequest("open")), T0);
        Assert.False(reopened.Closed);
        Assert.IsType<Joined>(reopened.Process(new Join(Room, Bob, 50, null), T0).Reply);
        Assert.Equal("bad_frame", Assert.IsType<Rejected>(Run(state, new Moderate(Room, Admin, new ModerationRequest("close", Reason: "bad\nreason")), T0).Reply).Code);
    }

    [Fact]
    public void Should_show_administrators_the_moderation_state()
    {
        var state = NewRoom();
        (state, _) = Run(state, new Moderate(Room, Admin, new ModerationRequest("ban", User: "Dave")), T0);
        (state, _) = Run(state, new Moderate(Room, Admin, new ModerationRequest("timeout", User: "eve", Seconds: 60)), T0);
        (state, _) = Run(state, new Moderate(Room, Admin, new ModerationRequest("timeout", User: "old", Seconds: 1)), T0);

        var view = Assert.IsType<AdminView>(state.Process(new GetAdminView(Room), T0.AddSeconds(30)).Reply);
        Assert.Equal(["dave"], view.Banned);
        Assert.Equal("eve", Assert.Single(view.Timeouts).User);
        Assert.Equal("Alice", view.Owner);
        Assert.Null(view.ClosedReason);
    }

    private sealed class SnapshotComparer : IEqualityComparer<RoomSnapshot>
    {
        public bool Equals(RoomSnapshot? x, RoomSnapshot? y) => x is not null && y is not null &&
            System.Text.Json.JsonSerializer.Serialize(x) == System.Text.Json.JsonSerializer.Serialize(y);

        public int GetHashCode(RoomSnapshot obj) => 0;
    }

    [Fact]
    public void Should_forget_a_deleted_accounts_moderator_rights_ban_timeout_and_ownership()
    {
        var state = NewRoom();
        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("add_moderator", User: "Bob")), T0);
        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("ban", User: "carol")), T0);
        (state, _) = Run(state, new Moderate(Room, Owner, new ModerationRequest("timeout", User: "dave", Seconds: 600)), T0);
        Assert.True(state.IsModerator(Bob));

        var (forgotten, reply) = Run(state, new ForgetAccounts(Room, [new(Bob.Id, "BOB"), new(Carol.Id, "carol"), new(Guid.NewGuid(), "dave")]), T0.AddSeconds(1));

        Assert.Equal("forget_accounts", Assert.IsType<Moderated>(reply).Action);
        // The name alone no longer grants or refuses anything: a later holder of it (another id) starts clean.
        var heir = new ChatUser(Guid.NewGuid(), "bob", false, false);
        Assert.False(forgotten.IsModerator(heir));
        Assert.Null(forgotten.CanRead(new ChatUser(Guid.NewGuid(), "carol", false, false)));
        Assert.IsType<Acked>(forgotten.Process(new Post(Room, new ChatUser(Guid.NewGuid(), "dave", false, false), "hi", null), T0.AddSeconds(2)).Reply);
        Assert.Equal(Owner.Id, forgotten.OwnerId);

        var ownerless = forgotten.Process(new ForgetAccounts(Room, [new(Owner.Id, Owner.Name)]), T0.AddSeconds(3));
        var orphan = ownerless.Events.Aggregate(forgotten, (s, e) => s.Apply(e));
        Assert.Null(orphan.OwnerId);
        Assert.Null(orphan.OwnerName);
        Assert.True(orphan.OwnerForgotten);
        Assert.Null(Assert.IsType<Info>(orphan.Process(new GetInfo(Room, null), T0).Reply).Owner);
        Assert.Equal(orphan.OwnerForgotten, RoomState.FromSnapshot(orphan.ToSnapshot(), RoomLimits.Default).OwnerForgotten);
    }

    [Fact]
    public void Should_write_nothing_when_the_room_knows_none_of_the_deleted_accounts()
    {
        var decision = NewRoom().Process(new ForgetAccounts(Room, [new(Bob.Id, "bob")]), T0);

        Assert.Empty(decision.Events);
        Assert.IsType<Moderated>(decision.Reply);
    }
}

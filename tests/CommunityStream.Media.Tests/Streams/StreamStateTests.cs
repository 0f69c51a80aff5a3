using CommunityStream.Media.Streams;
using static CommunityStream.Media.Streams.StreamCommands;

namespace CommunityStream.Media.Tests.Streams;

public sealed class StreamStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Should_give_administrators_the_session_and_viewers_per_node()
    {
        var (_, state, _) = StreamState.Offline("alice").Process(new StartPublishing("alice", "s1", "node-a", T0), T0);
        (_, state, _) = state.Process(new ReportViewers("alice", "node-b", 4), T0);
        (_, state, _) = state.Process(new ReportViewers("alice", "node-a", 1), T0);

        var details = Assert.IsType<StreamDetails>(state.Process(new GetDetails("alice"), T0).Reply);
        Assert.Equal("s1", details.SessionId);
        Assert.Equal([new NodeViewers("node-a", 1), new NodeViewers("node-b", 4)], details.ViewersByNode);
        Assert.Equal(5, details.Summary.Viewers);

        var (_, offline, _) = state.Process(new StopPublishing("alice", "s1", "ended by administrator root"), T0);
        var ended = Assert.IsType<StreamDetails>(offline.Process(new GetDetails("alice"), T0).Reply);
        Assert.Null(ended.SessionId);
        Assert.Empty(ended.ViewersByNode);
    }

    [Fact]
    public void Should_admit_one_publisher_and_reject_a_second_while_the_first_is_alive()
    {
        var (first, live, changed) = StreamState.Offline("alice").Process(new StartPublishing("alice", "s1", "node-a", T0), T0);
        var (second, _, _) = live.Process(new StartPublishing("alice", "s2", "node-b", T0), T0.AddSeconds(5));

        Assert.IsType<StreamReplies.Accepted>(first);
        Assert.True(changed);
        Assert.True(live.Summary().Live);
        Assert.Equal("already_live", Assert.IsType<StreamReplies.Rejected>(second).Code);
    }

    [Fact]
    public void Should_let_a_new_session_take_over_from_a_publisher_whose_node_went_quiet()
    {
        var (_, live, _) = StreamState.Offline("alice").Process(new StartPublishing("alice", "s1", "node-a", T0), T0);

        var (reply, next, _) = live.Process(new StartPublishing("alice", "s2", "node-b", T0), T0 + StreamState.HeartbeatTimeout);

        Assert.IsType<StreamReplies.Accepted>(reply);
        Assert.Equal("node-b", next.Summary().PublisherNode);
    }

    [Fact]
    public void Should_go_offline_on_stop_of_the_current_session_only()
    {
        var (_, live, _) = StreamState.Offline("alice").Process(new StartPublishing("alice", "s1", "node-a", T0), T0);

        var (_, stillLive, staleChanged) = live.Process(new StopPublishing("alice", "old", "deleted"), T0);
        var (_, offline, changed) = live.Process(new StopPublishing("alice", "s1", "deleted"), T0);

        Assert.False(staleChanged);
        Assert.True(stillLive.Summary().Live);
        Assert.True(changed);
        Assert.False(offline.Summary().Live);
    }

    [Fact]
    public void Should_sum_viewers_over_nodes_and_forget_counts_and_publishers_nobody_refreshes()
    {
        var (_, state, _) = StreamState.Offline("alice").Process(new StartPublishing("alice", "s1", "node-a", T0), T0);
        (_, state, _) = state.Process(new ReportViewers("alice", "node-a", 3), T0);
        (_, state, _) = state.Process(new ReportViewers("alice", "node-b", 4), T0.AddSeconds(8));
        (_, state, _) = state.Process(new PublisherHeartbeat("alice", "s1", "node-a", T0, StreamQuality.None), T0.AddSeconds(8));

        Assert.Equal(7, state.Viewers);
        var (expiredCounts, changed) = state.Expire(T0.AddSeconds(11));
        Assert.False(changed);
        Assert.Equal(4, expiredCounts.Viewers);
        var (offline, wentOffline) = expiredCounts.Expire(T0.AddSeconds(18));
        Assert.True(wentOffline);
        Assert.False(offline.Summary().Live);
        Assert.Equal(0, offline.Viewers);
    }

    [Fact]
    public void Should_come_back_live_from_a_heartbeat_after_the_entity_moved()
    {
        var quality = new StreamQuality(2_500_000, 64_000, 1000, 2, 1.5, 2, 1);

        var (_, state, changed) = StreamState.Offline("alice").Process(new PublisherHeartbeat("alice", "s1", "node-a", T0, quality), T0.AddMinutes(1));

        Assert.True(changed);
        Assert.Equal(T0, state.Summary().StartedAt);
        Assert.Equal(quality, state.Summary().Quality);
    }

    [Fact]
    public void Should_validate_titles_and_keep_unspecified_settings()
    {
        var state = StreamState.Offline("alice").Apply(new StreamEvents.SettingsChanged("Hello", true));

        var (keep, _) = state.Decide(new UpdateSettings("alice", null, null));
        var (_, error) = state.Decide(new UpdateSettings("alice", "bad\u0007title", null));

        Assert.Equal(new StreamEvents.SettingsChanged("Hello", true), keep);
        Assert.NotNull(error);
    }
}

namespace CommunityStream.Failover.Tests;

public class HistoryAuditTests
{
    private static AckRecord Ack(int room, long offset, string clientId) => new(room, offset, clientId, 0, 0, false);

    private static Dictionary<int, IReadOnlyDictionary<long, string?>> History(params (int Room, long Offset, string? ClientId)[] entries) =>
        entries.GroupBy(e => e.Room).ToDictionary(g => g.Key, g => (IReadOnlyDictionary<long, string?>)g.ToDictionary(e => e.Offset, e => e.ClientId));

    [Fact]
    public void Every_acked_write_at_its_offset_is_clean()
    {
        AckRecord[] acks = [Ack(0, 1, "a"), Ack(0, 2, "b"), Ack(1, 1, "x")];

        var result = HistoryAudit.Check(acks, History((0, 1, "a"), (0, 2, "b"), (0, 3, "c"), (1, 1, "x")));

        Assert.Equal(new[] { 3, 0, 0, 0, 0, 0 }, new[] { result.AckedWrites, result.Lost, result.Misplaced, result.DuplicatesInHistory, result.AckedAtTwoOffsets, result.HistoryHoles });
    }

    [Fact]
    public void A_resend_acked_twice_at_one_offset_is_one_write()
    {
        AckRecord[] acks = [Ack(0, 1, "a"), Ack(0, 1, "a")];

        var result = HistoryAudit.Check(acks, History((0, 1, "a")));

        Assert.Equal(1, result.AckedWrites);
        Assert.Equal(0, result.AckedAtTwoOffsets);
        Assert.Equal(0, result.Lost);
    }

    [Fact]
    public void An_acked_write_missing_from_the_history_is_lost()
    {
        AckRecord[] acks = [Ack(0, 1, "a"), Ack(0, 2, "b")];

        var result = HistoryAudit.Check(acks, History((0, 1, "a")));

        Assert.Equal(1, result.Lost);
        Assert.Contains("room 0 offset 2 b", result.Examples);
    }

    [Fact]
    public void An_acked_write_at_another_offset_is_misplaced_not_lost()
    {
        AckRecord[] acks = [Ack(0, 2, "b")];

        var result = HistoryAudit.Check(acks, History((0, 1, "z"), (0, 2, "q"), (0, 3, "b")));

        Assert.Equal(0, result.Lost);
        Assert.Equal(1, result.Misplaced);
    }

    [Fact]
    public void A_clientId_at_two_offsets_is_a_duplicate_and_missing_offsets_are_holes()
    {
        AckRecord[] acks = [Ack(0, 1, "a"), Ack(0, 4, "a")];

        var result = HistoryAudit.Check(acks, History((0, 1, "a"), (0, 4, "a")));

        Assert.Equal(1, result.DuplicatesInHistory);
        Assert.Equal(1, result.AckedAtTwoOffsets);
        Assert.Equal(2, result.HistoryHoles);
    }

    [Fact]
    public void Observations_count_two_messages_at_one_offset_as_a_conflict()
    {
        var room = new RoomObservations { Room = 0 };
        room.Saw(1, MessageText.For("a"));
        room.Saw(1, MessageText.For("a"));
        room.Saw(2, MessageText.For("b"));
        room.Saw(2, MessageText.For("c"));
        room.Saw(3, MessageText.For("a"));

        Assert.Equal(1, room.ConflictingOffsets);
        Assert.Equal(1, room.DuplicateClientIds);
        Assert.Equal("a", MessageText.ClientIdOf(room.Snapshot()[1]));
    }

    [Fact]
    public void Cluster_view_reads_the_last_leadership_line()
    {
        string[] led = ["x", "Cluster Node [a] - is the new leader among reachable nodes (more leaders may exist)"];
        string[] lost = [.. led, "Cluster Node [a] - is no longer leader"];

        Assert.True(ClusterView.IsLeader(led));
        Assert.False(ClusterView.IsLeader(lost));
        Assert.True(ClusterView.FormedNewCluster(["Node [a] is JOINING itself (with roles []) and forming new cluster"]));
    }

    [Fact]
    public void Most_leaders_at_one_time_counts_a_split_that_healed_before_the_end()
    {
        const string Leads = "Cluster Node [a] - is the new leader among reachable nodes (more leaders may exist)";
        string[] first = [$"2026-12-06T15:00:00.000Z info: {Leads}"];
        string[] second = [$"2026-12-06T15:00:30.000Z info: {Leads}", "2026-12-06T15:01:00.000Z info: Cluster Node [b] - is no longer leader"];
        string[] later = [$"2026-12-06T15:02:00.000Z info: {Leads}"];
        var firstEnded = new DateTime(2026, 12, 6, 15, 1, 30, DateTimeKind.Utc);

        Assert.Equal(2, ClusterView.MaxConcurrentLeaders([(first, firstEnded), (second, null), (later, null)]));
        Assert.Equal(1, ClusterView.MaxConcurrentLeaders([(first, firstEnded), (later, null)]));
    }

    [Fact]
    public void A_handover_seen_a_moment_late_by_the_old_leader_is_not_a_split()
    {
        const string Leads = "Cluster Node [a] - is the new leader among reachable nodes (more leaders may exist)";
        string[] old = [$"2026-12-06T15:00:00.000Z info: {Leads}", "2026-12-06T15:01:00.300Z info: Cluster Node [a] - is no longer leader"];
        string[] next = [$"2026-12-06T15:01:00.000Z info: {Leads}"];

        Assert.Equal(1, ClusterView.MaxConcurrentLeaders([(old, null), (next, null)]));
    }
}

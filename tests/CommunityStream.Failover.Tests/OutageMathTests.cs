namespace CommunityStream.Failover.Tests;

public class OutageMathTests
{
    private static AckRecord Ack(double created, double acked, long offset = 1, string clientId = "c") => new(0, offset, clientId, created, acked, false);

    [Fact]
    public void Outage_is_the_first_ack_of_a_write_made_after_the_fault()
    {
        // A write made before the fault and acked after it does not end the outage: only a new write does.
        AckRecord[] acks = [Ack(900, 950), Ack(990, 4000), Ack(1200, 5500), Ack(5000, 5100)];

        Assert.Equal(4100, OutageMath.WriteOutage(acks, 1000, 20_000));
    }

    [Fact]
    public void A_write_made_while_the_fault_took_effect_does_not_end_the_outage()
    {
        // Kill sent at 1,000, process gone at 1,010: the write made at 1,002 raced the kill and was acked at 1,004.
        AckRecord[] acks = [Ack(1002, 1004), Ack(1200, 6000)];

        Assert.Equal(4, OutageMath.WriteOutage(acks, 1000, 20_000));
        Assert.Equal(5000, OutageMath.WriteOutage(acks, 1000, 20_000, newAfter: 1010));
    }

    [Fact]
    public void Outage_is_null_when_no_new_write_is_acked_inside_the_window()
    {
        AckRecord[] acks = [Ack(500, 600), Ack(1500, 12_000)];

        Assert.Null(OutageMath.WriteOutage(acks, 1000, 10_000));
    }

    [Fact]
    public void Longest_stall_counts_from_the_fault_between_acks_and_to_the_window_end()
    {
        AckRecord[] acks = [Ack(0, 1200), Ack(0, 1400), Ack(0, 4400), Ack(0, 4600)];

        Assert.Equal(3000, OutageMath.LongestWriteStall(acks, 1000, 5000));
        Assert.Equal(5400, OutageMath.LongestWriteStall(acks, 1000, 10_000));
        Assert.Equal(2000, OutageMath.LongestWriteStall([], 1000, 3000));
    }

    [Fact]
    public void A_member_that_keeps_receiving_is_not_hit()
    {
        var receives = Enumerable.Range(0, 100).Select(i => i * 200.0).ToList();

        Assert.Null(OutageMath.MemberBack(receives, [], 5000, 15_000, 1000));
    }

    [Fact]
    public void A_disconnected_member_is_back_at_its_first_receive_after_the_disconnect()
    {
        double[] receives = [4800, 5000, 5200, 5300, 7500, 7700];
        double[] disconnects = [5350];

        var hit = OutageMath.MemberBack(receives, disconnects, 5000, 15_000, 1000);

        Assert.Equal(2500, hit!.BackAfterMs);
    }

    [Fact]
    public void A_stalled_member_is_back_at_the_end_of_the_gap()
    {
        // Gap 5200 → 9000 overlaps the window that starts at 5000.
        double[] receives = [4800, 5000, 5200, 9000, 9200];

        var hit = OutageMath.MemberBack(receives, [], 5000, 15_000, 1000);

        Assert.Equal(4000, hit!.BackAfterMs);
    }

    [Fact]
    public void A_gap_that_ended_before_the_fault_or_barely_outlasts_it_does_not_count()
    {
        double[] receives = [1000, 3000, 3200, 3400, 5200, 5400, 5600];

        Assert.Null(OutageMath.MemberBack(receives, [], 5000, 6000, 1000));
    }

    [Fact]
    public void A_gap_that_starts_just_before_the_window_end_belongs_to_the_next_fault()
    {
        // The next fault at 10,000 cuts the member off at 9,900; its silence inside [5,000, 10,000) is only 100 ms.
        double[] receives = [9700, 9900, 11_500];
        double[] disconnects = [10_200];

        Assert.Null(OutageMath.MemberBack(receives, disconnects, 5000, 10_000, 1000, backUntil: 10_000));
    }

    [Fact]
    public void A_member_that_never_receives_again_is_hit_and_not_back()
    {
        double[] receives = [4600, 4800];

        var hit = OutageMath.MemberBack(receives, [], 5000, 15_000, 1000);

        Assert.NotNull(hit);
        Assert.Null(hit.BackAfterMs);
    }

    [Fact]
    public void A_member_hit_in_the_window_may_come_back_after_it_until_the_next_fault()
    {
        double[] receives = [4900, 12_000];
        double[] disconnects = [5100];

        Assert.Null(OutageMath.MemberBack(receives, disconnects, 5000, 10_000, 1000)!.BackAfterMs);
        Assert.Equal(7000, OutageMath.MemberBack(receives, disconnects, 5000, 10_000, 1000, backUntil: 20_000)!.BackAfterMs);
    }

    [Fact]
    public void Percentile_is_nearest_rank()
    {
        double[] values = [5, 1, 4, 2, 3];

        Assert.Equal(3, OutageMath.Percentile(values, 50));
        Assert.Equal(5, OutageMath.Percentile(values, 100));
        Assert.Equal(1, OutageMath.Percentile(values, 1));
        Assert.Null(OutageMath.Percentile([], 50));
    }
}

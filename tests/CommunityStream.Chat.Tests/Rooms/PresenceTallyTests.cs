using CommunityStream.Chat.Rooms;

namespace CommunityStream.Chat.Tests.Rooms;

/// <summary>A room ticks only after a report that changed something; heartbeats refresh without waking it.</summary>
public sealed class PresenceTallyTests
{
    private static readonly DateTime Now = new(2026, 12, 7, 4, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Should_tell_a_change_from_a_heartbeat()
    {
        var tally = new PresenceTally(memberListThreshold: 100);

        Assert.True(tally.Report("n1", 2, ["bob", "carol"], Now));
        Assert.False(tally.Report("n1", 2, ["bob", "carol"], Now.AddSeconds(4)));
        Assert.True(tally.Report("n1", 2, ["bob", "dave"], Now.AddSeconds(5)));
        Assert.True(tally.Report("n1", 3, null, Now.AddSeconds(6)));
        Assert.False(tally.Report("n1", 3, null, Now.AddSeconds(7)));
        Assert.True(tally.Report("n1", 0, null, Now.AddSeconds(8)));
        Assert.False(tally.Report("n1", 0, null, Now.AddSeconds(9)));
        Assert.False(tally.Any);
    }

    [Fact]
    public void Should_forget_a_silent_node_after_the_expiry()
    {
        var tally = new PresenceTally(memberListThreshold: 100);
        tally.Report("n1", 2, ["bob", "carol"], Now);
        tally.Report("n2", 1, ["dave"], Now.AddSeconds(8));

        Assert.Equal((3, (string[]?)["bob", "carol", "dave"]), tally.Tick(Now.AddSeconds(9)));
        Assert.Equal((1, (string[]?)["dave"]), tally.Tick(Now + PresenceTally.Expiry + TimeSpan.FromSeconds(1)));
        Assert.True(tally.Any);
    }
}

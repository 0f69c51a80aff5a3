using Akka.Actor;
using CommunityStream.Host.Clustering.Formation;

namespace CommunityStream.Host.Tests.Clustering;

/// <summary>The pure rules behind the formation gate, on member rows as the database returns them.</summary>
public sealed class FormationRulesTests
{
    private static readonly Address Self = new("akka.tcp", "communitystream", "10.0.0.1", 4053);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    private static (string, TimeSpan) Row(string host, double secondsLeft, int uid = 7) =>
        ($"communitystream@{host}:4053#{uid}", TimeSpan.FromSeconds(secondsLeft));

    [Fact]
    public void Should_find_the_live_members_other_than_itself_as_addresses()
    {
        var live = FormationRules.LiveMembers([Row("10.0.0.3", 4), Row("10.0.0.1", 4), Row("10.0.0.2", 1), Row("10.0.0.4", -1)], Self);

        Assert.Equal(["10.0.0.2", "10.0.0.3"], live.Select(a => a.Host));
        Assert.All(live, a => Assert.Equal(4053, a.Port));
    }

    [Fact]
    public void Should_prove_no_cluster_only_when_other_rows_expired_longer_than_the_grace_ago()
    {
        Assert.True(FormationRules.ProvesNoCluster([], Self, Grace));
        Assert.True(FormationRules.ProvesNoCluster([Row("10.0.0.2", -11)], Self, Grace));
        Assert.False(FormationRules.ProvesNoCluster([Row("10.0.0.2", -9)], Self, Grace));
        Assert.False(FormationRules.ProvesNoCluster([Row("10.0.0.2", 3)], Self, Grace));
        // Its own address: a previous run of this node, whatever its uid.
        Assert.True(FormationRules.ProvesNoCluster([Row("10.0.0.1", 3, uid: 99)], Self, Grace));
    }

    [Fact]
    public void Should_see_live_members_outside_its_own_cluster_as_foreign()
    {
        Address[] members = [Self, new("akka.tcp", "communitystream", "10.0.0.2", 4053)];

        var foreign = FormationRules.ForeignMembers([Row("10.0.0.2", 4), Row("10.0.0.5", 4), Row("10.0.0.6", -1)], Self, members);

        Assert.Equal("10.0.0.5", Assert.Single(foreign).Host);
    }

    [Fact]
    public void Should_take_the_address_part_of_an_owner()
    {
        Assert.Equal("communitystream@10.0.0.2:4053", FormationRules.AddressOf("communitystream@10.0.0.2:4053#-12345"));
        Assert.Equal("communitystream@10.0.0.2:4053", FormationRules.AddressOf("communitystream@10.0.0.2:4053"));
    }
}

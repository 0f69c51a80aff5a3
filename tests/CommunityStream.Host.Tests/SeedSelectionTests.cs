using Akka.Actor;
using Akka.Discovery;
using CommunityStream.Host.Clustering;

namespace CommunityStream.Host.Tests;

public sealed class SeedSelectionTests
{
    [Fact]
    public void Should_order_seeds_identically_whatever_order_discovery_returns()
    {
        var a = SeedSelection.ToSeedAddresses([Target("node2", 4053), Target("node1", 4053), Target("node1", 4054)], "cs", 4053);
        var b = SeedSelection.ToSeedAddresses([Target("node1", 4054), Target("node2", 4053), Target("node1", 4053)], "cs", 4053);

        Assert.Equal(a, b);
        Assert.Equal(new Address("akka.tcp", "cs", "node1", 4053), a[0]);
    }

    [Fact]
    public void Should_use_the_cluster_port_for_targets_without_one_and_drop_duplicates()
    {
        var seeds = SeedSelection.ToSeedAddresses([Target("10.0.0.7", null), Target("10.0.0.7", 4053)], "cs", 4053);

        Assert.Equal([new Address("akka.tcp", "cs", "10.0.0.7", 4053)], seeds);
    }

    [Fact]
    public void Should_be_stable_only_with_enough_contact_points_seen_twice()
    {
        IReadOnlyList<Address> two = [new Address("akka.tcp", "cs", "a", 1), new Address("akka.tcp", "cs", "b", 1)];
        IReadOnlyList<Address> one = [two[0]];

        Assert.False(SeedSelection.IsStable(two, previous: null, requiredContactPoints: 2));
        Assert.True(SeedSelection.IsStable(two, two.ToList(), requiredContactPoints: 2));
        Assert.False(SeedSelection.IsStable(two, one, requiredContactPoints: 2));
        Assert.False(SeedSelection.IsStable(one, one, requiredContactPoints: 2));
    }

    private static ServiceDiscovery.ResolvedTarget Target(string host, int? port) => new(host, port, null);
}

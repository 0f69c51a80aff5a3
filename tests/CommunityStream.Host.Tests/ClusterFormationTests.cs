using CommunityStream.Host.Tests.Support;

namespace CommunityStream.Host.Tests;

/// <summary>Several nodes in one process on loopback form one cluster from configuration alone.</summary>
[Collection(SerialHostTests.Name)]
public sealed class ClusterFormationTests
{
    private static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_form_a_two_node_cluster_from_seed_configuration()
    {
        // The first node has no seeds and joins itself; the second names it as its seed.
        await using var first = await InProcessNode.StartAsync();
        var seed = first.Cluster.SelfAddress.ToString();
        await using var second = await InProcessNode.StartAsync("--Cluster:SeedNodes:0", seed);

        await Eventually.True(() => first.UpMembers() == 2 && second.UpMembers() == 2, FormationTimeout, "both nodes to see two Up members");

        Assert.Equal(first.Cluster.State.Leader, second.Cluster.State.Leader);
    }

    [Fact]
    public async Task Should_form_one_cluster_through_config_discovery()
    {
        // Both nodes discover the same two endpoints and agree on which one may form the cluster.
        int[] ports = [FreePort.Next(), FreePort.Next(), FreePort.Next()];
        string[] discovery =
        [
            // Cluster ports are picked before the nodes start; HTTP on another loopback address cannot take one of them.
            "--Http:Url", "http://127.0.0.2:0",
            "--Cluster:Discovery", "Config",
            "--Cluster:RequiredContactPoints", "3",
            .. ports.SelectMany((port, i) => new[] { $"--Cluster:ConfigEndpoints:{i}", $"127.0.0.1:{port}" }),
        ];
        var starting = ports.Select(port => InProcessNode.StartAsync([.. discovery, "--Cluster:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])).ToArray();
        var nodes = await Task.WhenAll(starting);
        try
        {
            await Eventually.True(() => nodes.All(n => n.UpMembers() == 3), FormationTimeout, "discovery to form one three-node cluster");
            Assert.Single(nodes.Select(n => n.Cluster.State.Leader).Distinct());
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Should_let_the_survivor_see_a_node_that_stops_leave_gracefully()
    {
        await using var first = await InProcessNode.StartAsync();
        var second = await InProcessNode.StartAsync("--Cluster:SeedNodes:0", first.Cluster.SelfAddress.ToString());
        await Eventually.True(() => first.UpMembers() == 2, FormationTimeout, "two Up members");

        await second.DisposeAsync();

        await Eventually.True(() => first.Cluster.State.Members.Count == 1 && first.UpMembers() == 1, FormationTimeout, "the stopped node to be removed");
    }
}

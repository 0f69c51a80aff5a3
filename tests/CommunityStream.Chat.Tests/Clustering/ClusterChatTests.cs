using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using CommunityStream.Chat.Rooms;
using CommunityStream.Chat.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Chat.Tests.Clustering;

/// <summary>
/// Several nodes in one process on loopback, sharing one data directory (so one SQLite database — journal,
/// snapshots and accounts — and one token signing key): rooms span nodes and survive the loss of theirs.
/// </summary>
[Collection(SharedChatNode.Name)]
public sealed class ClusterChatTests
{
    private static readonly TimeSpan Formation = TimeSpan.FromSeconds(30);

    private static async Task<InProcessNode[]> StartClusterAsync(TempDirectory data, int count, params string[] arguments)
    {
        var nodes = new List<InProcessNode> { await InProcessNode.StartOnAsync(data, arguments) };
        var seed = nodes[0].Cluster.SelfAddress.ToString();
        for (var i = 1; i < count; i++)
        {
            nodes.Add(await InProcessNode.StartOnAsync(data, [.. arguments, "--Cluster:SeedNodes:0", seed]));
        }
        await Eventually.True(() => nodes.All(n => n.UpMembers() == count), Formation, $"{count} Up members");
        return [.. nodes];
    }

    private static async Task<bool> HostsRoomAsync(InProcessNode node, string room)
    {
        var region = await node.App.Services.GetRequiredService<IRequiredActor<RoomRegionMarker>>().GetAsync();
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
        return state.Shards.Any(shard => shard.EntityIds.Contains(room));
    }

    private static long Offset(JsonElement frame) => frame.GetProperty("offset").GetInt64();

    [Fact]
    public async Task Should_close_the_sockets_of_an_account_disabled_on_another_node()
    {
        using var data = new TempDirectory();
        var nodes = await StartClusterAsync(data, 2);
        try
        {
            var admin = await nodes[0].CreateAdminAsync("root");
            var id = await nodes[0].RegisterAsync("frank");
            var token = await nodes[1].LoginAsync("frank");
            await using var onSecond = await ChatClient.ConnectAsync(nodes[1].WebSocketUri(token));

            await Gateway.DisabledAccountTests.DisableAsync(nodes[0], admin, id);

            Assert.Equal((System.Net.WebSockets.WebSocketCloseStatus)4003, await onSecond.ClosedAsync(TimeSpan.FromSeconds(15)));
        }
        finally
        {
            foreach (var node in nodes.Reverse())
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Should_show_members_on_different_nodes_the_same_messages_in_the_same_order()
    {
        using var data = new TempDirectory();
        var nodes = await StartClusterAsync(data, 2);
        try
        {
            var admin = await nodes[0].CreateAdminAsync("root");
            await nodes[0].RegisterAsync("alice", admin, "viewer", "streamer");
            await nodes[0].RegisterAsync("bob");
            var alice = await nodes[1].LoginAsync("alice");
            var bob = await nodes[0].LoginAsync("bob");

            await using var onFirst = await ChatClient.ConnectAsync(nodes[0].WebSocketUri(bob));
            await using var onSecond = await ChatClient.ConnectAsync(nodes[1].WebSocketUri(alice));
            await onFirst.JoinAsync("alice");
            await onSecond.JoinAsync("alice");

            var acked = new List<long>();
            for (var i = 0; i < 20; i++)
            {
                var ack = await (i % 2 == 0 ? onFirst : onSecond).PostAsync("alice", $"m{i}", $"c{i}");
                Assert.Equal("ack", ack.GetProperty("type").GetString());
                acked.Add(Offset(ack));
            }

            var first = await onFirst.MessagesAsync("alice", 20);
            var second = await onSecond.MessagesAsync("alice", 20);
            Assert.Equal(acked, first.Select(Offset));
            Assert.Equal(acked, second.Select(Offset));
            Assert.Equal(first.Select(m => m.GetProperty("text").GetString()), second.Select(m => m.GetProperty("text").GetString()));
        }
        finally
        {
            foreach (var node in nodes.Reverse())
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public Task Should_resume_a_room_on_another_node_with_every_acknowledged_message() => ResumeAfterHostLossAsync();

    [SkippableFact]
    public async Task Should_resume_a_room_on_another_node_with_every_acknowledged_message_on_postgresql()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        await ResumeAfterHostLossAsync("--Persistence:Provider", "PostgreSql", "--Persistence:ConnectionString", postgres.ConnectionString);
    }

    private static async Task ResumeAfterHostLossAsync(params string[] persistence)
    {
        using var data = new TempDirectory();
        var nodes = (await StartClusterAsync(data, 3, persistence)).ToList();
        try
        {
            var admin = await nodes[0].CreateAdminAsync("root");
            await nodes[0].RegisterAsync("bob");
            var bob = await nodes[0].LoginAsync("bob");
            await nodes[0].CreateRoomAsync(admin, "failover");

            var hosts = new List<InProcessNode>();
            foreach (var node in nodes)
            {
                if (await HostsRoomAsync(node, "failover"))
                {
                    hosts.Add(node);
                }
            }
            var host = Assert.Single(hosts);
            var survivors = nodes.Where(n => n != host).ToArray();

            var epoch = "";
            var acked = new List<long>();
            await using (var writer = await ChatClient.ConnectAsync(survivors[0].WebSocketUri(bob)))
            {
                epoch = (await writer.JoinAsync("failover")).GetProperty("epoch").GetString()!;
                for (var i = 0; i < 10; i++)
                {
                    acked.Add(Offset(await writer.PostAsync("failover", $"before {i}", $"b{i}")));
                }

                await host.DisposeAsync();
                nodes.Remove(host);

                // While the shard moves the room may answer `unavailable`: resend with the same client id.
                for (var i = 0; i < 10; i++)
                {
                    var ack = await Eventually.Until(
                        () => writer.PostAsync("failover", $"after {i}", $"a{i}"),
                        reply => reply.GetProperty("type").GetString() == "ack",
                        Formation,
                        "the room to answer on a surviving node");
                    acked.Add(Offset(ack));
                }
            }

            Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), acked);
            await using var reader = await ChatClient.ConnectAsync(survivors[1].WebSocketUri(null));
            var recovered = await reader.JoinAsync("failover", new { epoch, offset = 0 });
            Assert.True(recovered.GetProperty("recovered").GetBoolean());
            Assert.Equal(acked, recovered.GetProperty("messages").EnumerateArray().Select(Offset));
        }
        finally
        {
            foreach (var node in Enumerable.Reverse(nodes))
            {
                await node.DisposeAsync();
            }
        }
    }
}

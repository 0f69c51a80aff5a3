using System.Globalization;
using CommunityStream.Chat.Tests.Support;
using CommunityStream.Host.Clustering.Leases;
using Npgsql;

namespace CommunityStream.Chat.Tests.Clustering;

/// <summary>
/// Three nodes on one PostgreSQL database with one seed node, the configuration that used to let a restarted seed form a
/// second cluster beside the running one (two shard coordinators, two live writers per room). The database now holds
/// the proof of a running cluster and the shards' leases: the seed rejoins, and every room keeps one writer.
/// </summary>
[Collection(SharedChatNode.Name)]
public sealed class ClusterFencingTests
{
    private static readonly TimeSpan Formation = TimeSpan.FromSeconds(40);

    [SkippableFact]
    public async Task Should_rejoin_the_running_cluster_when_its_only_seed_node_restarts()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        using var data = new TempDirectory();
        var seedPort = FreePort.Next();
        var seed = $"akka.tcp://communitystream@127.0.0.1:{seedPort}";
        string[] common = ["--Persistence:Provider", "PostgreSql", "--Persistence:ConnectionString", postgres.ConnectionString, "--Cluster:SeedNodes:0", seed];
        string[] seedArguments = [.. common, "--Cluster:Port", seedPort.ToString(CultureInfo.InvariantCulture)];

        var first = await InProcessNode.StartOnAsync(data, seedArguments);
        var others = new[] { await InProcessNode.StartOnAsync(data, common), await InProcessNode.StartOnAsync(data, common) };
        try
        {
            await WaitForOneClusterAsync([first, .. others]);
            var admin = await first.CreateAdminAsync("root");
            await first.RegisterAsync("bob");
            await first.CreateRoomAsync(admin, "fenced");
            var expected = new List<string>();

            for (var restart = 1; restart <= 2; restart++)
            {
                await first.DisposeAsync();
                await Eventually.True(() => others.All(n => n.UpMembers() == 2 && n.Cluster.State.Members.Count == 2), Formation, "the seed node to leave");

                first = await InProcessNode.StartOnAsync(data, seedArguments);
                await WaitForOneClusterAsync([first, .. others]);

                // One writer: posts through the seed and through another node get one sequence of offsets, seen alike by both.
                var bob = await first.LoginAsync("bob");
                await using var viaSeed = await ChatClient.ConnectAsync(first.WebSocketUri(bob));
                await using var viaOther = await ChatClient.ConnectAsync(others[0].WebSocketUri(bob));
                // A join right after the restart may answer `unavailable` while the room's shard moves: a client joins again.
                foreach (var client in new[] { viaSeed, viaOther })
                {
                    await Eventually.Until(() => client.JoinAsync("fenced"), reply => ChatClient.Is(reply, "joined"), Formation, "the room to accept the join");
                }
                var offsets = new List<long>();
                for (var i = 0; i < 10; i++)
                {
                    var text = $"restart {restart} message {i}";
                    expected.Add(text);
                    var ack = await Eventually.Until(
                        () => (i % 2 == 0 ? viaSeed : viaOther).PostAsync("fenced", text, $"r{restart}-{i}"),
                        reply => ChatClient.Is(reply, "ack"),
                        Formation,
                        "the room to accept the post");
                    offsets.Add(ack.GetProperty("offset").GetInt64());
                }
                Assert.Equal(Enumerable.Range(0, 10).Select(i => offsets[0] + i), offsets);

                await using var reader = await ChatClient.ConnectAsync(others[1].WebSocketUri(null));
                var joined = await Eventually.Until(() => reader.JoinAsync("fenced", history: 100), reply => ChatClient.Is(reply, "joined"), Formation, "the reader's join");
                var history = joined.GetProperty("messages").EnumerateArray()
                    .Select(m => m.GetProperty("text").GetString()!).ToList();
                Assert.Equal(expected, history);
            }

            // The shards' leases are in the database, each held by the node that runs the shard.
            var holders = await ShardLeaseHoldersAsync(postgres.ConnectionString);
            InProcessNode[] all = [first, .. others];
            var addresses = all.Select(n => SqlLease.OwnerOf(n.System, n.Cluster.SelfAddress.HostPort())).ToHashSet();
            Assert.NotEmpty(holders);
            Assert.All(holders, owner => Assert.Contains(owner, addresses));
        }
        finally
        {
            foreach (var node in others.Reverse())
            {
                await node.DisposeAsync();
            }
            await first.DisposeAsync();
        }
    }

    private static async Task WaitForOneClusterAsync(InProcessNode[] nodes)
    {
        await Eventually.Until(
            () => Task.FromResult(string.Join(" | ", nodes.Select(n => $"{n.Cluster.SelfAddress.Port}: " + string.Join(",", n.Cluster.State.Members.Select(m => $"{m.Address.Port}={m.Status}"))))),
            _ => nodes.All(n => n.UpMembers() == nodes.Length),
            Formation,
            $"{nodes.Length} Up members on every node");
        var views = nodes.Select(n => string.Join(",", n.Cluster.State.Members.Select(m => m.UniqueAddress.ToString()).Order(StringComparer.Ordinal))).Distinct();
        Assert.Single(views);
        Assert.Single(nodes.Select(n => n.Cluster.State.Leader).Distinct());
    }

    private static async Task<List<string>> ShardLeaseHoldersAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT owner FROM cluster_leases WHERE name LIKE 'communitystream-shard-room-%'", connection);
        var owners = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            owners.Add(reader.GetString(0));
        }
        return owners;
    }
}

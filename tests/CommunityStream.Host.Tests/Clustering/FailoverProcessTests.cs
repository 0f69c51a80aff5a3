using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Akka.Cluster.Sharding;
using CommunityStream.Host.Clustering.Formation;
using CommunityStream.Host.Tests.Support;
using Npgsql;

namespace CommunityStream.Host.Tests.Clustering;

/// <summary>
/// The short version of bench/run-failover.sh: three real Host processes on one PostgreSQL database, one of them killed
/// with SIGKILL. Every room accepts writes again through the survivors, no acknowledged message is lost, and the rooms
/// that lived on the dead node are back within the failover budget (failure detection, downing, lease expiry).
/// </summary>
[Collection(SerialHostTests.Name)]
public sealed class FailoverProcessTests
{
    private const string Password = "Correct-Horse-42";
    private const int Rooms = 12;
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(90);

    [SkippableFact]
    public async Task Should_accept_writes_in_every_room_again_soon_after_a_node_is_killed()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var key = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 1)).ToArray());
        using var data = new TempDirectory();
        string[] common =
        [
            "--Persistence:Provider", "PostgreSql", "--Persistence:ConnectionString", postgres.ConnectionString,
            "--Identity:Jwt:SigningKey", key, "--Logging:LogLevel:Default", "Warning",
            "--Identity:Throttle:RegisterAttemptsPerMinute", "1000", "--Identity:Throttle:IpAttemptsPerMinute", "1000",
        ];
        var nodes = new List<HostProcess>();
        try
        {
            // No seed nodes: the database shows each starting node the members already running.
            var clusterPorts = new List<int>();
            for (var i = 0; i < 3; i++)
            {
                var directory = Directory.CreateDirectory(Path.Combine(data.Path, $"node{i}")).FullName;
                string[] admin = i == 0 ? ["--Identity:Admin:Username", "root", "--Identity:Admin:Email", "root@example.test", "--Identity:Admin:Password", Password] : [];
                clusterPorts.Add(FreePort.Next());
                nodes.Add(HostProcess.Start(directory, [.. common, .. admin, "--Cluster:Port", clusterPorts[i].ToString(CultureInfo.InvariantCulture)]));
            }
            await Task.WhenAll(nodes.Select(n => n.WaitReadyAsync(Start)));
            await Eventually.Until(() => LiveMemberRowsAsync(postgres.ConnectionString), rows => rows == 3, Start, "three members in one cluster");

            using var http = new HttpClient { BaseAddress = nodes[1].BaseAddress };
            var token = await LoginAsync(http);
            var rooms = Enumerable.Range(0, Rooms).Select(i => $"room{i}").ToList();
            foreach (var room in rooms)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms") { Content = JsonContent.Create(new { name = room, anonymousRead = true }) };
                request.Headers.Authorization = new("Bearer", token);
                using var created = await http.SendAsync(request);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            var acked = rooms.ToDictionary(r => r, _ => new List<(long Offset, string Text)>());
            var writer = new RoomWriter(nodes[1], nodes[2], token);
            foreach (var room in rooms)
            {
                Assert.True(await writer.TryPostAsync(room, "before", acked[room], TimeSpan.FromSeconds(15)), $"{room} answered before the kill");
            }

            // Kill the node that runs the most room shards, with SIGKILL: no leave, no hand-over, leases left behind.
            var owners = await ShardOwnersAsync(postgres.ConnectionString);
            var extractor = new ShardOf(100);
            var victimAddress = owners.Values.GroupBy(o => o).OrderByDescending(g => g.Count()).First().Key;
            var affected = rooms.Where(r => owners.GetValueOrDefault(extractor.ShardId(r, null)) == victimAddress).ToList();
            var victim = nodes[clusterPorts.FindIndex(port => FormationRules.AddressOf(victimAddress).EndsWith($":{port}", StringComparison.Ordinal))];
            var survivors = nodes.Where(n => n != victim).ToArray();
            writer = new RoomWriter(survivors[0], survivors[1], token);
            Assert.NotEmpty(affected);

            var killed = Stopwatch.StartNew();
            Process.GetProcessById(victim.Id).Kill();
            var outages = new Dictionary<string, TimeSpan>();
            await Task.WhenAll(rooms.Select(async room =>
            {
                var back = await writer.TryPostAsync(room, "after", acked[room], TimeSpan.FromSeconds(60));
                Assert.True(back, $"{room} accepts writes again");
                lock (outages)
                {
                    outages[room] = killed.Elapsed;
                }
            }));

            // Nothing acknowledged is lost: each room's history is exactly what was acked, in order.
            using var survivorHttp = new HttpClient { BaseAddress = survivors[0].BaseAddress };
            foreach (var room in rooms)
            {
                var history = await HistoryAsync(survivorHttp, room);
                Assert.Equal(acked[room], history);
            }
            var worst = affected.Max(r => outages[r]);
            Console.WriteLine($"failover: {affected.Count} of {Rooms} rooms on the killed node; worst write outage {worst.TotalSeconds:0.0} s");
            // The budget is 10 s (docs/operations.md); the bound here leaves room for a loaded CI machine.
            Assert.True(worst < TimeSpan.FromSeconds(25), $"rooms on the killed node were back after {worst.TotalSeconds:0.0} s");
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task<string> LoginAsync(HttpClient http)
    {
        using var login = await http.PostAsJsonAsync("/api/auth/login", new { login = "root", password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task<List<(long Offset, string Text)>> HistoryAsync(HttpClient http, string room)
    {
        var page = await http.GetFromJsonAsync<JsonElement>($"/api/rooms/{room}/messages?limit=100");
        return [.. page.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("offset").GetInt64(), m.GetProperty("text").GetString()!))];
    }

    private static async Task<int> LiveMemberRowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM cluster_leases WHERE name LIKE 'communitystream-member-%' AND expires_at > EXTRACT(EPOCH FROM clock_timestamp()) * 1000", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<Dictionary<string, string>> ShardOwnersAsync(string connectionString)
    {
        const string prefix = "communitystream-shard-room-";
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT name, owner FROM cluster_leases WHERE name LIKE '{prefix}%'", connection);
        var owners = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            owners[reader.GetString(0)[prefix.Length..]] = reader.GetString(1);
        }
        return owners;
    }

    private sealed class ShardOf(int shards) : HashCodeMessageExtractor(shards)
    {
        public override string? EntityId(object message) => null;
    }
}

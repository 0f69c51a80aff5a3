using System.Text.Json;
using CommunityStream.Cli.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Cli.Tests;

/// <summary>csctl's cluster, sharding and node palettes against a real two-node cluster.</summary>
[Collection(TwoNodeClusterGroup.Name)]
public sealed class ClusterCommandTests(TwoNodeCluster cluster)
{
    [Fact]
    public async Task Should_show_both_members_from_either_node()
    {
        var table = await CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "cluster", "show");
        var json = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "cluster", "show", "--output", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(cluster.First.Cluster.SelfAddress.ToString(), table.Output, StringComparison.Ordinal);
        Assert.Contains(cluster.Second.Cluster.SelfAddress.ToString(), table.Output, StringComparison.Ordinal);
        Assert.Contains("leader", table.Output, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Output);
        var members = document.RootElement.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(2, members.Count);
        Assert.All(members, member => Assert.Equal("Up", member.GetProperty("status").GetString()));
        Assert.Equal(cluster.First.Cluster.SelfAddress.ToString(), document.RootElement.GetProperty("self").GetString());
    }

    [Fact]
    public async Task Should_name_the_leader_both_nodes_agree_on()
    {
        var run = await CliRun.AgainstAsync(cluster.Second, TwoNodeCluster.ApiKey, "cluster", "leader");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(cluster.First.Cluster.State.Leader!.ToString(), run.Output.Trim());
    }

    [Fact]
    public async Task Should_make_a_third_node_leave_when_asked_on_its_own_admin_url()
    {
        var data = cluster.First.App.Services.GetRequiredService<CommunityStream.Host.Configuration.HostSettings>().DataDirectory;
        await using var third = await InProcessNode.StartAsync("--Persistence:ConnectionString", $"Data Source={Path.Combine(data, "communitystream.db")}",
            "--Admin:ApiKey", TwoNodeCluster.ApiKey, "--Cluster:SeedNodes:0", cluster.First.Cluster.SelfAddress.ToString());
        await Eventually.True(() => cluster.First.UpMembers() == 3, TimeSpan.FromSeconds(30), "the third node to be Up");
        var address = third.Cluster.SelfAddress.ToString();

        // Without an address, leave means the node behind --url (what a pod's preStop hook runs).
        var leave = await CliRun.AgainstAsync(third, TwoNodeCluster.ApiKey, "cluster", "leave");
        await Eventually.True(() => cluster.First.Cluster.State.Members.All(member => member.Address.ToString() != address), TimeSpan.FromSeconds(30), "the third node to be removed");

        Assert.True(leave.ExitCode == 0, leave.ToString());
        Assert.Contains(address, leave.Output, StringComparison.Ordinal);
        Assert.Equal(2, cluster.First.UpMembers());
    }

    [Fact]
    public async Task Should_answer_404_and_exit_1_for_a_member_that_does_not_exist()
    {
        var run = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "cluster", "down", "akka.tcp://communitystream@127.0.0.1:1");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("404", run.Error, StringComparison.Ordinal);
        Assert.Equal(2, cluster.First.UpMembers());
    }

    [Fact]
    public async Task Should_answer_400_for_an_address_that_is_not_one()
    {
        var run = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "cluster", "join", "not-an-address");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("400", run.Error, StringComparison.Ordinal);
        Assert.Contains("address", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_list_room_entities_per_shard_after_a_room_is_used()
    {
        var room = "r_" + Guid.NewGuid().ToString("N")[..10];
        await cluster.First.CreateRoomAsync(cluster.AdminToken, room);

        // The coordinator gathers every region's counts; the new room's entity shows once its shard reports it.
        var shards = await Eventually.Until(
            () => CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "sharding", "shards", "room", "--output", "json"),
            run => run.ExitCode == 0 && EntityCount(run.Output) >= 1,
            TimeSpan.FromSeconds(20),
            "csctl sharding shards room to count the room");
        var table = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "sharding", "shards", "room");
        var regions = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "sharding", "regions", "--output", "json");

        Assert.True(EntityCount(shards.Output) >= 1);
        Assert.Contains("SHARD", table.Output, StringComparison.Ordinal);
        using var types = JsonDocument.Parse(regions.Output);
        var names = types.RootElement.GetProperty("types").EnumerateArray().Select(type => type.GetProperty("type").GetString()).ToList();
        Assert.Contains("room", names);
        Assert.Contains("stream", names);
    }

    [Fact]
    public async Task Should_answer_404_for_a_shard_type_that_does_not_exist()
    {
        var run = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "sharding", "region-stats", "teapot");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("404", run.Error, StringComparison.Ordinal);
        Assert.Contains("room", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_count_region_stats_for_rooms_on_each_node()
    {
        var run = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "sharding", "region-stats", "room", "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.Output);
        Assert.Equal(2, document.RootElement.GetProperty("regions").GetArrayLength());
    }

    [Fact]
    public async Task Should_show_node_info_and_health()
    {
        var info = await CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "node", "info", "--output", "json");
        var health = await CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "node", "health");

        Assert.True(info.ExitCode == 0, info.ToString());
        using var document = JsonDocument.Parse(info.Output);
        Assert.Equal(cluster.Second.Cluster.SelfAddress.ToString(), document.RootElement.GetProperty("address").GetString());
        Assert.Equal(Environment.ProcessId, document.RootElement.GetProperty("pid").GetInt32());
        Assert.True(document.RootElement.GetProperty("memory").GetProperty("workingSetBytes").GetInt64() > 0);
        Assert.True(health.ExitCode == 0, health.ToString());
        Assert.Contains("database", health.Output, StringComparison.Ordinal);
        Assert.Contains("Healthy", health.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_mask_secrets_in_the_node_configuration()
    {
        var run = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "node", "config", "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain(TwoNodeCluster.ApiKey, run.Output, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(run.Output);
        var settings = document.RootElement.GetProperty("settings");
        Assert.Equal("***", settings.GetProperty("Admin:ApiKey").GetString());
        Assert.Equal("0", settings.GetProperty("Cluster:Port").GetString());
        // The process environment (loaded by ASP.NET Core without a prefix) is not the node's configuration.
        Assert.NotNull(Environment.GetEnvironmentVariable("PATH"));
        Assert.False(settings.TryGetProperty("PATH", out _), "the process environment leaked into node config");
    }

    private static int EntityCount(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("shards").EnumerateArray().Sum(shard => shard.GetProperty("entities").GetInt32());
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Akka.Cluster;
using CommunityStream.Host.Tests.Support;
using Xunit.Abstractions;

namespace CommunityStream.Host.Tests;

/// <summary>
/// The drain on shutdown, with whole nodes in this process: chat sockets are closed with 1001 while the node is still
/// a member, new upgrades are refused meanwhile, and a node leaves quickly even as the last one of its cluster.
/// </summary>
[Collection(SerialHostTests.Name)]
public sealed class GracefulDrainTests(ITestOutputHelper output)
{
    private static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_close_chat_sockets_with_1001_before_the_node_leaves_the_cluster()
    {
        await using var survivor = await InProcessNode.StartAsync();
        var leaver = await InProcessNode.StartAsync("--Cluster:SeedNodes:0", survivor.Cluster.SelfAddress.ToString());
        await Eventually.True(() => survivor.UpMembers() == 2 && leaver.UpMembers() == 2, FormationTimeout, "two Up members");
        var leaverAddress = leaver.Cluster.SelfAddress;
        var wsUri = leaver.WebSocketUri();
        using var watched = await ChatSocket.ConnectAsync(wsUri);
        // A client that never answers the close holds the drain open for its one-second bound.
        using var silent = await ChatSocket.ConnectAsync(wsUri);

        MemberStatus? statusAtClose = null;
        var stopwatch = Stopwatch.StartNew();
        var closed = Task.Run(() => watched.ReadUntilClosedAsync(() =>
            statusAtClose = survivor.Cluster.State.Members.FirstOrDefault(m => m.Address == leaverAddress)?.Status));
        var stopping = leaver.DisposeAsync().AsTask();

        var status = await closed.WaitAsync(TimeSpan.FromSeconds(10));
        var closedAfter = stopwatch.Elapsed;
        // During the drain the node refuses new sockets with 503 while it is still serving HTTP.
        var refused = await ChatSocket.TryUpgradeAsync(wsUri);
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually.True(() => survivor.Cluster.State.Members.All(m => m.Address != leaverAddress), FormationTimeout, "the leaver to be removed");
        output.WriteLine($"1001 after {closedAfter.TotalMilliseconds:0} ms; survivor saw the leaver as {statusAtClose}; node stopped after {stopwatch.Elapsed.TotalMilliseconds:0} ms");

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, status);
        Assert.True(statusAtClose is MemberStatus.Up or MemberStatus.Leaving, $"the survivor saw the leaver as {statusAtClose?.ToString() ?? "gone"} when the client got 1001");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused);
    }

    [Fact]
    public async Task Should_leave_within_3_s_as_the_last_node_of_its_cluster_with_live_rooms()
    {
        // Two nodes share one SQLite file (as one journal), so rooms keep their history when they move.
        using var data = new TempDirectory();
        var last = await InProcessNode.StartOnAsync(data);
        var other = await InProcessNode.StartOnAsync(data, "--Cluster:SeedNodes:0", last.Cluster.SelfAddress.ToString());
        await Eventually.True(() => last.UpMembers() == 2 && other.UpMembers() == 2, FormationTimeout, "two Up members");
        var admin = await last.CreateAdminAsync("root");
        string[] rooms = ["lobby", "news", "music", "games", "help", "random"];
        foreach (var room in rooms)
        {
            await last.CreateRoomAsync(admin, room);
        }
        // Live room entities on both nodes, with clients still connected when each node stops.
        using var onOther = await ChatSocket.ConnectAsync(other.WebSocketUri());
        using var onLast = await ChatSocket.ConnectAsync(last.WebSocketUri());
        foreach (var room in rooms)
        {
            await onOther.JoinAsync(room);
            await onLast.JoinAsync(room);
        }
        await other.DisposeAsync();
        await Eventually.True(() => last.Cluster.State.Members.Count == 1, FormationTimeout, "the other node to be removed");
        var system = last.System;

        var stopwatch = Stopwatch.StartNew();
        var stopping = last.DisposeAsync().AsTask();
        await system.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(30));
        var terminated = stopwatch.Elapsed;
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"last node: actor system terminated after {terminated.TotalMilliseconds:0} ms, host stopped after {stopwatch.Elapsed.TotalMilliseconds:0} ms");

        Assert.True(terminated < TimeSpan.FromSeconds(5), $"the last node took {terminated.TotalSeconds:0.0} s to leave");
    }
}

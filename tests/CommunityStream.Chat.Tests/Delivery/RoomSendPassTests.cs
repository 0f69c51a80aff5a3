using System.Net.Sockets;
using CommunityStream.Chat.Delivery;
using CommunityStream.Chat.Rooms;
using CommunityStream.Chat.Telemetry;
using CommunityStream.Chat.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Chat.Tests.Delivery;

/// <summary>A room's send passes over real loopback sockets: every outbox of every slice gets its frames, in order.</summary>
public sealed class RoomSendPassTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly RoomId Room = new("passroom");

    private readonly List<Socket> _sockets = [];

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 4)]
    public async Task Should_send_every_queued_broadcast_to_every_outbox_whatever_the_slices(int sliceSize, int parallelism)
    {
        if (!DirectSocket.IsSupported)
        {
            return;
        }
        var pairs = new List<(ConnectionOutbox Outbox, Socket Peer)>();
        for (var i = 0; i < 11; i++)
        {
            var (server, peer) = await ConnectAsync();
            pairs.Add((new ConnectionOutbox(64, new DirectSocket(server)), peer));
        }
        var pass = new RoomSendPass(sliceSize, parallelism);
        var outboxes = pairs.Select(p => p.Outbox).ToArray();
        var first = WireFrame.Text("{\"n\":1}"u8);
        var second = WireFrame.Text("{\"n\":2}"u8);

        // Two broadcasts, the second kicked while the first pass may still run; then the room shrinks to 5 members,
        // whose third broadcast must not reach the 6 that left.
        foreach (var outbox in outboxes)
        {
            Assert.True(outbox.Deliver(Room, 1, first));
        }
        pass.Kick(outboxes);
        foreach (var outbox in outboxes)
        {
            Assert.True(outbox.Deliver(Room, 2, second));
        }
        pass.Kick(outboxes);
        var twoFrames = first.Bytes.Concat(second.Bytes).ToArray();
        foreach (var (_, peer) in pairs)
        {
            Assert.Equal(twoFrames, await ReceiveAsync(peer, twoFrames.Length));
        }

        var third = WireFrame.Text("{\"n\":3}"u8);
        var stayed = outboxes[..5];
        foreach (var outbox in stayed)
        {
            Assert.True(outbox.Deliver(Room, 3, third));
        }
        pass.Kick(stayed);
        foreach (var (_, peer) in pairs.Take(5))
        {
            Assert.Equal(third.Bytes, await ReceiveAsync(peer, third.Bytes.Length));
        }
        foreach (var (_, peer) in pairs.Skip(5))
        {
            Assert.Equal(0, peer.Available);
        }
    }

    [Fact]
    public async Task Should_count_the_sends_and_time_each_pass_on_the_chat_meter()
    {
        if (!DirectSocket.IsSupported)
        {
            return;
        }
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new ChatMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), null);
        using var reader = new InstrumentReader(services);
        var pairs = new List<(ConnectionOutbox Outbox, Socket Peer)>();
        for (var i = 0; i < 3; i++)
        {
            var (server, peer) = await ConnectAsync();
            pairs.Add((new ConnectionOutbox(64, new DirectSocket(server)), peer));
        }
        var pass = new RoomSendPass(metrics: metrics);
        var outboxes = pairs.Select(p => p.Outbox).ToArray();
        var frame = WireFrame.Text("{\"n\":1}"u8);
        foreach (var outbox in outboxes)
        {
            Assert.True(outbox.Deliver(Room, 1, frame));
        }

        pass.Kick(outboxes);
        foreach (var (_, peer) in pairs)
        {
            Assert.Equal(frame.Bytes, await ReceiveAsync(peer, frame.Bytes.Length));
        }

        // The pass adds its counts after its last send: wait for them rather than for the bytes.
        await Eventually.True(() => reader.Count("communitystream.chat.sends") == 3, Wait, "three sends counted");
        Assert.True(reader.Count("communitystream.chat.send_pass.duration") >= 1, "a pass duration recorded");
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    private async Task<(Socket Server, Socket Peer)> ConnectAsync()
    {
        var (server, peer) = await LoopbackTcp.ConnectAsync();
        _sockets.Add(server);
        _sockets.Add(peer);
        return (server, peer);
    }

    private static Task<byte[]> ReceiveAsync(Socket peer, int length) => LoopbackTcp.ReceiveAsync(peer, length, Wait);
}

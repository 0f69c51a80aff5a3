using System.Net.Sockets;
using CommunityStream.Chat.Delivery;
using CommunityStream.Chat.Tests.Support;

namespace CommunityStream.Chat.Tests.Delivery;

/// <summary>
/// A <see cref="FrameQueue"/> on a <see cref="DirectSocket"/> over a real loopback TCP connection: what its senders
/// (producers, a room's send pass, the writer, the WebSocket's control frames) put on the wire, byte for byte.
/// </summary>
public sealed class DirectSendTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private Socket _server = null!;
    private Socket _peer = null!;

    public async Task InitializeAsync() => (_server, _peer) = await LoopbackTcp.ConnectAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _peer.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task Should_hold_queued_broadcasts_until_the_send_pass_then_send_them_in_order()
    {
        if (!DirectSocket.IsSupported)
        {
            return;
        }
        var queue = new FrameQueue(16, new DirectSocket(_server));
        var frames = Enumerable.Range(0, 5).Select(i => WireFrame.Text(Payload(i, 100))).ToArray();
        var writer = queue.WaitToReadAsync().AsTask();
        foreach (var frame in frames)
        {
            Assert.True(queue.TryQueue(frame));
        }
        Assert.Equal(0, _peer.Available);

        queue.SendQueued();

        Assert.Equal(frames.SelectMany(f => f.Bytes), await ReceiveAsync(frames.Sum(f => f.Bytes.Length)));
        // Neither the queueing nor the send woke the connection's writer (a thread-pool hop per delivery).
        Assert.False(writer.IsCompleted);
        Assert.False(queue.TryPeek(out _));
    }

    [Fact]
    public async Task Should_send_a_reply_at_once_on_the_producers_thread()
    {
        if (!DirectSocket.IsSupported)
        {
            return;
        }
        var queue = new FrameQueue(16, new DirectSocket(_server));
        var frame = WireFrame.Text(Payload(7, 40));
        var writer = queue.WaitToReadAsync().AsTask();

        Assert.True(queue.TryWrite(frame));

        Assert.Equal(frame.Bytes, await ReceiveAsync(frame.Bytes.Length));
        Assert.False(writer.IsCompleted);
        Assert.False(queue.TryPeek(out _));
    }

    [Fact]
    public async Task Should_wake_the_writer_when_the_socket_is_full_and_lose_no_byte_of_a_frame_sent_in_part()
    {
        if (!DirectSocket.IsSupported)
        {
            return;
        }
        var (direct, queue) = OnSmallBuffers();
        // Frames of odd sizes, so a full buffer cuts one of them somewhere in its middle.
        var frames = Enumerable.Range(0, 400).Select(i => WireFrame.Text(Payload(i, 997 + i))).ToArray();
        var writerWoken = queue.WaitToReadAsync().AsTask();
        foreach (var frame in frames)
        {
            queue.TryQueue(frame);
            queue.SendQueued();
        }
        Assert.True(await writerWoken.WaitAsync(Wait));

        // The peer reads everything while the writer waits for room, as ChatConnection's writer loop does; a pong
        // written meanwhile goes after the frames, never inside one.
        var expected = frames.SelectMany(f => f.Bytes).Concat(Pong).ToArray();
        var received = ReceiveAsync(expected.Length);
        await queue.TakeTurnAsync();
        var control = direct.WriteInTurnAsync(Pong, CancellationToken.None).AsTask();
        await queue.DrainAsync(release: true, CancellationToken.None);
        await control.WaitAsync(Wait);

        Assert.Equal(expected, await received);
    }

    [Fact]
    public async Task Should_end_a_send_stuck_on_a_full_socket_and_the_write_waiting_for_its_turn_when_aborted()
    {
        if (!DirectSocket.IsSupported)
        {
            return;
        }
        var (direct, queue) = OnSmallBuffers();
        var writerWoken = queue.WaitToReadAsync().AsTask();
        // Far more than both buffers hold, and the peer never reads.
        for (var i = 0; i < 2_000; i++)
        {
            queue.TryQueue(WireFrame.Text(Payload(i, 1_000)));
        }
        queue.SendQueued();
        Assert.True(await writerWoken.WaitAsync(Wait));
        await queue.TakeTurnAsync();
        var drain = queue.DrainAsync(release: true, CancellationToken.None).AsTask();
        // A pong from the WebSocket's receive path, which passes no token: it waits for the writer's turn.
        var pong = direct.WriteInTurnAsync(Pong, CancellationToken.None).AsTask();

        direct.Abort();

        await Assert.ThrowsAsync<SocketException>(() => drain.WaitAsync(Wait));
        await Assert.ThrowsAsync<SocketException>(() => pong.WaitAsync(Wait));
    }

    [Fact]
    public void Should_drop_frames_quietly_once_the_peer_is_gone()
    {
        if (!DirectSocket.IsSupported)
        {
            return;
        }
        var queue = new FrameQueue(16, new DirectSocket(_server));
        _peer.LingerState = new LingerOption(true, 0);
        _peer.Close();
        var frame = WireFrame.Text(Payload(1, 50));

        // The reset peer fails every send; none of them throws, and nothing queues (past the capacity of 16, a queued
        // frame would make TryWrite answer false).
        for (var i = 0; i < 100; i++)
        {
            Assert.True(queue.TryWrite(frame));
        }
        Assert.False(queue.TryPeek(out _));
    }

    private static readonly byte[] Pong = [0x8A, 0x00];

    // Small socket buffers both ways, so a few frames fill them.
    private (DirectSocket Direct, FrameQueue Queue) OnSmallBuffers()
    {
        _server.SendBufferSize = 4096;
        _peer.ReceiveBufferSize = 4096;
        var direct = new DirectSocket(_server);
        return (direct, new FrameQueue(10_000, direct));
    }

    private static byte[] Payload(int seed, int length) =>
        [.. Enumerable.Range(0, length).Select(i => (byte)('a' + ((seed + i) % 26)))];

    private Task<byte[]> ReceiveAsync(int length) => LoopbackTcp.ReceiveAsync(_peer, length, Wait);
}

using CommunityStream.Chat.Delivery;

namespace CommunityStream.Chat.Tests.Delivery;

/// <summary>The outbox's bounded single-reader queue: order, bound, completion, and waking the reader.</summary>
public sealed class FrameQueueTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void Should_keep_order_and_refuse_frames_past_its_capacity()
    {
        var queue = new FrameQueue(2);
        WireFrame a = Frame(1), b = Frame(2);

        Assert.True(queue.TryWrite(a));
        Assert.True(queue.TryWrite(b));
        Assert.False(queue.TryWrite(Frame(3)));

        Assert.True(queue.TryPeek(out var peeked));
        Assert.Same(a, peeked);
        Assert.True(queue.TryRead(out var first));
        Assert.True(queue.TryRead(out var second));
        Assert.Equal([a, b], [first, second]);
        Assert.False(queue.TryRead(out _));
        Assert.True(queue.TryWrite(Frame(4)));
    }

    [Fact]
    public async Task Should_let_the_reader_drain_after_completion_then_answer_false()
    {
        var queue = new FrameQueue(4);
        queue.TryWrite(Frame(1));
        queue.Complete();

        Assert.False(queue.TryWrite(Frame(2)));
        Assert.True(await queue.WaitToReadAsync());
        Assert.True(queue.TryRead(out _));
        Assert.False(await queue.WaitToReadAsync());
    }

    [ThreadStatic]
    private static bool _writing;

    [Fact]
    public async Task Should_wake_a_waiting_reader_for_each_write_and_for_completion_never_inline_in_the_producer()
    {
        var queue = new FrameQueue(4);
        for (var i = 0; i < 3; i++)
        {
            var reader = ReadOneAsync(queue);
            Assert.False(reader.IsCompleted);

            // A room subscriber writes to thousands of outboxes: the reader must not run on its thread, inside TryWrite.
            _writing = true;
            Assert.True(queue.TryWrite(Frame((byte)i)));
            _writing = false;

            var (frame, ranInsideWrite) = await reader.WaitAsync(Wait);
            Assert.Equal(i, frame);
            Assert.False(ranInsideWrite);
        }

        var last = queue.WaitToReadAsync().AsTask();
        queue.Complete();
        Assert.False(await last.WaitAsync(Wait));
    }

    private static async Task<(int Frame, bool RanInsideWrite)> ReadOneAsync(FrameQueue queue)
    {
        Assert.True(await queue.WaitToReadAsync().ConfigureAwait(false));
        var ranInsideWrite = _writing;
        Assert.True(queue.TryRead(out var frame));
        return (frame.Payload.Span[0], ranInsideWrite);
    }

    private static WireFrame Frame(byte value) => WireFrame.Text([value]);
}

using System.Buffers;
using System.IO.Pipelines;
using CommunityStream.Chat.Delivery;

namespace CommunityStream.Chat.Gateway;

/// <summary>
/// A connection's transport pipes as the <see cref="Stream"/> a WebSocket runs on. A zero-byte read waits for data
/// without consuming or buffering anything, so an idle WebSocket holds no receive buffer at any layer. With a
/// <see cref="DirectSocket"/>, the WebSocket's own writes (pongs, the close frame) go to the socket in their turn, as
/// the connection's frames do, and Kestrel's output pipe is not used. Reads pass the client's
/// <see cref="ClientMessageLimits"/>: after a breach the WebSocket gets no more bytes (its read waits for the abort).
/// </summary>
internal sealed class DuplexPipeStream(IDuplexPipe transport, ClientMessageLimits limits, DirectSocket? direct = null) : ClientLimitedStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (limits.Breached)
            {
                return await ParkAsync();
            }
            // Data already there needs no clock; a wait in the middle of a message is bounded by its time left. (One
            // awaiter type and few locals: this method's state is what an idle socket holds while it waits.)
            if (!transport.Input.TryRead(out var result))
            {
                result = await (limits.TimeLeft is { } left ? ReadWithinAsync(left, cancellationToken) : transport.Input.ReadAsync(cancellationToken));
                if (limits.Breached)
                {
                    continue;
                }
            }
            var data = result.Buffer;
            if (data.IsEmpty)
            {
                transport.Input.AdvanceTo(data.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return 0;
                }
                continue;
            }
            if (buffer.IsEmpty)
            {
                // Data is there: leave it unconsumed for the read that follows.
                transport.Input.AdvanceTo(data.Start);
                return 0;
            }
            var count = (int)Math.Min(buffer.Length, data.Length);
            var bytes = data.Slice(0, count);
            if (!limits.Admit(bytes))
            {
                transport.Input.AdvanceTo(data.Start);
                continue;
            }
            bytes.CopyTo(buffer.Span);
            transport.Input.AdvanceTo(bytes.End);
            return count;
        }
    }

    // A default result when the message under way ran out of time (the limits then record the breach).
    private async ValueTask<ReadResult> ReadWithinAsync(TimeSpan left, CancellationToken cancellationToken)
    {
        if (left <= TimeSpan.Zero)
        {
            limits.TimedOut();
            return default;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(left);
        try
        {
            return await transport.Input.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            limits.TimedOut();
            return default;
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (direct is not null)
        {
            await direct.WriteInTurnAsync(buffer, cancellationToken);
            return;
        }
        var flushed = await transport.Output.WriteAsync(buffer, cancellationToken);
        if (flushed.IsCanceled)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Wake pending reads and flushes (an abort); the connection's owner completes the pipes when it ends.
            transport.Input.CancelPendingRead();
            transport.Output.CancelPendingFlush();
            // A direct send stuck on a full buffer (a peer that stopped reading) ignores the pipe: end it at the socket.
            direct?.Abort();
        }
        base.Dispose(disposing);
    }
}

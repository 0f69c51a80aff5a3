using System.Buffers;
using System.IO.Pipelines;
using CommunityStream.Chat.Delivery;

namespace CommunityStream.Chat.Gateway;

/// <summary>
/// A connection's transport pipes as the <see cref="Stream"/> a WebSocket runs on. A zero-byte read waits for data
/// without consuming or buffering anything, so an idle WebSocket holds no receive buffer at any layer. With a
/// <see cref="DirectSocket"/>, the WebSocket's own writes (pongs, the close frame) go to the socket in their turn, as
/// the connection's frames do, and Kestrel's output pipe is not used.
/// </summary>
internal sealed class DuplexPipeStream(IDuplexPipe transport, DirectSocket? direct = null) : Stream
{
    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var result = await transport.Input.ReadAsync(cancellationToken);
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
            data.Slice(0, count).CopyTo(buffer.Span);
            transport.Input.AdvanceTo(data.GetPosition(count));
            return count;
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

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Asynchronous reads only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Asynchronous writes only.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

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

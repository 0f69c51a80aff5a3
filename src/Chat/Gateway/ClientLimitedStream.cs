namespace CommunityStream.Chat.Gateway;

/// <summary>
/// What the two streams a chat WebSocket runs on share (<see cref="DuplexPipeStream"/> before HTTP,
/// <see cref="LimitedUpgradeStream"/> through it): asynchronous, unseekable, and, once the client's
/// <see cref="ClientMessageLimits"/> are breached, a read that gives the WebSocket nothing more and waits for the abort
/// that disposes the stream.
/// </summary>
internal abstract class ClientLimitedStream : Stream
{
    private TaskCompletionSource? _parked;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);

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

    /// <summary>After a breach: waits until the stream is disposed, then reads as the end.</summary>
    protected async ValueTask<int> ParkAsync()
    {
        Interlocked.CompareExchange(ref _parked, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);
        await _parked!.Task;
        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Interlocked.CompareExchange(ref _parked, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);
            _parked!.TrySetResult();
        }
        base.Dispose(disposing);
    }
}

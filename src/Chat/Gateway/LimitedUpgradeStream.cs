namespace CommunityStream.Chat.Gateway;

/// <summary>
/// The stream of a WebSocket upgraded through HTTP (<see cref="ChatSocketEndpoint"/>), with the client's
/// <see cref="ClientMessageLimits"/> applied to its reads as <see cref="DuplexPipeStream"/> applies them before HTTP.
/// </summary>
internal sealed class LimitedUpgradeStream(Stream inner, ClientMessageLimits limits) : Stream
{
    private TaskCompletionSource? _parked;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!limits.Breached)
        {
            int read;
            if (limits.TimeLeft is not { } left)
            {
                read = await inner.ReadAsync(buffer, cancellationToken);
            }
            else
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(left);
                try
                {
                    read = await inner.ReadAsync(buffer, timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    limits.TimedOut();
                    read = -1;
                }
            }
            if (read >= 0 && limits.Admit(buffer.Span[..read]))
            {
                return read;
            }
        }
        // Nothing more for the WebSocket: the connection closes with the breach's code and aborts, disposing this.
        Interlocked.CompareExchange(ref _parked, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);
        await _parked!.Task;
        return 0;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

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
            Interlocked.CompareExchange(ref _parked, new TaskCompletionSource(), null);
            _parked!.TrySetResult();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}

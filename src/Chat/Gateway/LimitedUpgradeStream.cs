namespace CommunityStream.Chat.Gateway;

/// <summary>
/// The stream of a WebSocket upgraded through HTTP (<see cref="ChatSocketEndpoint"/>), with the client's
/// <see cref="ClientMessageLimits"/> applied to its reads as <see cref="DuplexPipeStream"/> applies them before HTTP.
/// </summary>
internal sealed class LimitedUpgradeStream(Stream inner, ClientMessageLimits limits) : ClientLimitedStream
{
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
        return await ParkAsync();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}

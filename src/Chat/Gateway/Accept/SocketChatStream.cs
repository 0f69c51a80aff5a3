using System.Net.Sockets;
using CommunityStream.Chat.Delivery;

namespace CommunityStream.Chat.Gateway.Accept;

/// <summary>
/// A chat socket accepted by <see cref="ChatAcceptListener"/> as the <see cref="Stream"/> its WebSocket runs on:
/// reads go straight to the <see cref="Socket"/> (a zero-byte read waits for data with no buffer anywhere, so an idle
/// socket holds none), writes go in turn through the connection's <see cref="DirectSocket"/>. Reads pass the client's
/// <see cref="ClientMessageLimits"/> as <see cref="DuplexPipeStream"/>'s do.
/// </summary>
internal sealed class SocketChatStream(Socket socket, ClientMessageLimits limits, DirectSocket direct) : ClientLimitedStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (limits.Breached)
            {
                return await ParkAsync();
            }
            // A message under way is bounded by its time left; between messages there is no clock.
            var received = limits.TimeLeft is { } left
                ? await ReceiveWithinAsync(buffer, left, cancellationToken)
                : await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (received < 0 || buffer.IsEmpty)
            {
                // Timed out (the limits now hold the breach), or a zero-byte read that saw data (or the end) arrive.
                if (received < 0)
                {
                    continue;
                }
                return 0;
            }
            if (received > 0 && !limits.Admit(buffer.Span[..received]))
            {
                continue;
            }
            return received;
        }
    }

    // -1 when the message under way ran out of time (the limits then record the breach).
    private async ValueTask<int> ReceiveWithinAsync(Memory<byte> buffer, TimeSpan left, CancellationToken cancellationToken)
    {
        if (left <= TimeSpan.Zero)
        {
            limits.TimedOut();
            return -1;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(left);
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            limits.TimedOut();
            return -1;
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        direct.WriteInTurnAsync(buffer, cancellationToken);

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Ends a pending receive and a send stuck on a full buffer; the listener closes the socket when the connection ends.
            direct.Abort();
        }
        base.Dispose(disposing);
    }
}

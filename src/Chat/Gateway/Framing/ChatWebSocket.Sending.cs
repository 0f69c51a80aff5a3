using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace CommunityStream.Chat.Gateway.Framing;

/// <summary>What <see cref="ChatWebSocket"/> sends: data and close frames, and the keep-alive wheel's pings.</summary>
internal sealed partial class ChatWebSocket
{
    public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        if (State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            throw new WebSocketException(WebSocketError.InvalidState);
        }
        var opcode = _sendingFragments ? ClientFrameReader.Continuation : messageType == WebSocketMessageType.Binary ? ClientFrameReader.Binary : ClientFrameReader.Text;
        _sendingFragments = !endOfMessage;
        await SendFrameAsync((byte)((endOfMessage ? 0x80 : 0) | opcode), buffer, cancellationToken);
    }

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        SendAsync(buffer.AsMemory(), messageType, endOfMessage, cancellationToken).AsTask();

    public override async Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        // Open: this side closes first; CloseReceived: this answers the client's close (§5.5.1).
        var before = Interlocked.CompareExchange(ref _state, (int)WebSocketState.CloseSent, (int)WebSocketState.Open);
        if (before == (int)WebSocketState.CloseReceived)
        {
            before = Interlocked.CompareExchange(ref _state, (int)WebSocketState.Closed, (int)WebSocketState.CloseReceived);
        }
        if (before is not ((int)WebSocketState.Open or (int)WebSocketState.CloseReceived))
        {
            return;
        }
        var reason = Encoding.UTF8.GetBytes(statusDescription ?? "");
        var payload = new byte[2 + Math.Min(reason.Length, ClientFrameReader.MaxControlPayload - 2)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)closeStatus);
        reason.AsSpan(0, payload.Length - 2).CopyTo(payload.AsSpan(2));
        await SendFrameAsync(0x80 | ClientFrameReader.Close, payload, cancellationToken);
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    /// <summary>The keep-alive wheel's visit (on its thread): a ping, or the end of a peer silent since the last one.</summary>
    internal void OnKeepAliveVisit()
    {
        if (_pinged && !_received)
        {
            Abort();
            return;
        }
        _received = false;
        _pinged = true;
        if (State == WebSocketState.Open)
        {
            _ = PingAsync();
        }
    }

    private async Task PingAsync()
    {
        try
        {
            await SendFrameAsync(0x80 | ClientFrameReader.Ping, ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or WebSocketException)
        {
            // The connection is ending anyway.
        }
    }

    // One frame from the server (unmasked, §5.1), in the socket's turn after the frames already queued.
    private async ValueTask SendFrameAsync(byte first, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var headerLength = payload.Length < 126 ? 2 : payload.Length <= ushort.MaxValue ? 4 : 10;
        var frame = ArrayPool<byte>.Shared.Rent(headerLength + payload.Length);
        try
        {
            frame[0] = first;
            if (headerLength == 2)
            {
                frame[1] = (byte)payload.Length;
            }
            else if (headerLength == 4)
            {
                frame[1] = 126;
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
            }
            else
            {
                frame[1] = 127;
                BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
            }
            payload.Span.CopyTo(frame.AsSpan(headerLength));
            await _direct.WriteInTurnAsync(frame.AsMemory(0, headerLength + payload.Length), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }
}

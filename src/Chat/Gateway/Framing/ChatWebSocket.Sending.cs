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
        await SendFrameAsync(0x80 | ClientFrameReader.Close, ClosePayload(closeStatus, statusDescription), cancellationToken);
    }

    /// <summary>
    /// A close frame's payload: the code, then the reason cut to the 123 bytes left (§5.5) at a character's start, so it
    /// stays valid UTF-8 (§5.5.1). 1005, 1006 and 1015 are never sent (§7.4.1): 1005 becomes 1000, the others 1011.
    /// </summary>
    internal static byte[] ClosePayload(WebSocketCloseStatus status, string? description)
    {
        var code = (int)status switch
        {
            1005 => 1000,
            1006 or 1015 => 1011,
            var other => other,
        };
        var reason = Encoding.UTF8.GetBytes(description ?? "");
        var length = Math.Min(reason.Length, ClientFrameReader.MaxControlPayload - 2);
        // A continuation byte (10xxxxxx) at the cut means the cut splits a character: leave all of it out.
        while (length < reason.Length && length > 0 && (reason[length] & 0xC0) == 0x80)
        {
            length--;
        }
        var payload = new byte[2 + length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        reason.AsSpan(0, length).CopyTo(payload.AsSpan(2));
        return payload;
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    /// <summary>The keep-alive wheel's visit (on its thread): a ping, or the end of a peer silent since the last one.</summary>
    internal void OnKeepAliveVisit()
    {
        if (_pinged && !_received && !Unread())
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

    // Bytes waiting in the kernel mean our reader is behind (e.g. held by the in-flight limit), not that the peer is gone.
    private bool Unread()
    {
        try
        {
            return _socket.Available > 0;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
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
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            throw Broken(ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }
}

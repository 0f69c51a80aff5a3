using System.Buffers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using CommunityStream.Chat.Delivery;

namespace CommunityStream.Chat.Gateway.Framing;

/// <summary>
/// The server side of RFC 6455 on a chat socket Chat accepted itself, in place of .NET's ManagedWebSocket: frames are
/// read straight from the <see cref="Socket"/> by <see cref="ClientFrameReader"/>'s rules and written in turn through
/// the connection's <see cref="DirectSocket"/>. An idle socket waits with a zero-byte receive and holds no buffer
/// (one is rented only while a control frame is read or a frame written); the node's <see cref="KeepAliveWheel"/> pings it
/// instead of a timer of its own. A broken rule, bad UTF-8, a message over the limit or one unfinished in time is
/// reported to the connection through <see cref="ClientMessageLimits"/> (which then closes with 1002, 1007, 1009 or
/// 1008), and nothing more is read.
/// </summary>
internal sealed partial class ChatWebSocket : WebSocket
{
    private readonly Socket _socket;
    private readonly DirectSocket _direct;
    private readonly ClientMessageLimits _limits;
    private readonly KeepAliveWheel _wheel;
    private readonly int _messageTimeoutMs;
    private ClientFrameReader _reader;
    private HeaderBytes _header;
    private byte _headerRead;
    private bool _sendingFragments;
    private bool _breached;
    // Set by every receive, cleared by the wheel's visit: a socket silent since its last ping is dead.
    private volatile bool _received;
    private bool _pinged;
    private long _messageStarted;
    private volatile int _state = (int)WebSocketState.Open;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeDescription;
    private TaskCompletionSource? _parked;

    public ChatWebSocket(Socket socket, DirectSocket direct, ClientMessageLimits limits, KeepAliveWheel wheel, int maxMessageBytes, TimeSpan messageTimeout)
    {
        _socket = socket;
        _direct = direct;
        _limits = limits;
        _wheel = wheel;
        _messageTimeoutMs = (int)messageTimeout.TotalMilliseconds;
        _reader = new ClientFrameReader(maxMessageBytes);
        wheel.Add(this);
    }

    // The wheel's intrusive list.
    internal ChatWebSocket? WheelNext { get; set; }

    internal ChatWebSocket? WheelPrevious { get; set; }

    internal int WheelSlot { get; set; } = -1;

    public override WebSocketCloseStatus? CloseStatus => _closeStatus;

    public override string? CloseStatusDescription => _closeDescription;

    public override WebSocketState State => (WebSocketState)_state;

    public override string? SubProtocol => null;

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_breached)
            {
                // After a breach the connection closes; nothing more is read.
                await Park();
                throw new WebSocketException(WebSocketError.InvalidState);
            }
            if (State is not (WebSocketState.Open or WebSocketState.CloseSent))
            {
                throw new WebSocketException(WebSocketError.InvalidState);
            }
            var type = _reader.MessageOpcode == ClientFrameReader.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
            if (_reader.InFrame && !_reader.IsControl)
            {
                if (buffer.IsEmpty)
                {
                    return new ValueWebSocketReceiveResult(0, type, false);
                }
                var want = (int)Math.Min(buffer.Length, _reader.PayloadLeft);
                var received = await ReceiveTimedAsync(buffer[..want]);
                if (received < 0)
                {
                    continue;
                }
                var step = _reader.TakePayload(buffer.Span[..received]);
                if (step.Error != FrameError.None)
                {
                    Breach(step.Error);
                    continue;
                }
                return new ValueWebSocketReceiveResult(received, type, step.MessageEnded);
            }
            if (_headerRead == 0 && !_reader.InMessage)
            {
                // Between messages: wait for the next byte with no buffer and no clock.
                try
                {
                    await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, CancellationToken.None);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    throw Broken(ex);
                }
            }
            if (await ReadHeaderAsync() is not { } error)
            {
                continue;
            }
            if (error != FrameError.None)
            {
                Breach(error);
                continue;
            }
            if (_reader.IsControl)
            {
                if (await ReadControlFrameAsync() is { } close)
                {
                    return close;
                }
                continue;
            }
            if (_reader.PayloadLeft == 0)
            {
                // An empty frame: it may end its message now.
                var step = _reader.TakePayload([]);
                if (step.Error != FrameError.None)
                {
                    Breach(step.Error);
                    continue;
                }
                if (step.MessageEnded || buffer.IsEmpty)
                {
                    return new ValueWebSocketReceiveResult(0, type, step.MessageEnded);
                }
                continue;
            }
            if (buffer.IsEmpty)
            {
                return new ValueWebSocketReceiveResult(0, type, false);
            }
        }
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await ReceiveAsync(buffer.AsMemory(), cancellationToken);
        return result.MessageType == WebSocketMessageType.Close
            ? new WebSocketReceiveResult(0, WebSocketMessageType.Close, true, _closeStatus, _closeDescription)
            : new WebSocketReceiveResult(result.Count, result.MessageType, result.EndOfMessage);
    }

    public override void Abort()
    {
        if (State != WebSocketState.Closed)
        {
            _state = (int)WebSocketState.Aborted;
        }
        End();
    }

    public override void Dispose()
    {
        if (State != WebSocketState.Closed)
        {
            _state = (int)WebSocketState.Aborted;
        }
        End();
    }

    // Reads header bytes: null while the header is not whole yet, else the verdict on the frame it begins. They are
    // received into a small rented array (data is there: the wait is short) and kept in the socket's inline bytes.
    private async ValueTask<FrameError?> ReadHeaderAsync()
    {
        var length = _headerRead < 2 ? 2 : ClientFrameReader.HeaderLength(_header[1]);
        var begins = _headerRead == 0 && !_reader.InMessage;
        var scratch = ArrayPool<byte>.Shared.Rent(ClientFrameReader.MaxHeaderLength);
        int received;
        try
        {
            received = await ReceiveTimedAsync(scratch.AsMemory(0, length - _headerRead), timed: !begins);
            if (begins)
            {
                // A message (or a control frame between messages) begins with the byte just received: its clock
                // starts now, not when the read began (a zero-byte wait may return before any byte is there).
                _messageStarted = Environment.TickCount64;
            }
            if (received > 0)
            {
                scratch.AsSpan(0, received).CopyTo(((Span<byte>)_header)[_headerRead..]);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
        if (received < 0)
        {
            return null;
        }
        _headerRead += (byte)received;
        if (_headerRead < 2 || _headerRead < ClientFrameReader.HeaderLength(_header[1]))
        {
            return null;
        }
        var error = _reader.BeginFrame(((ReadOnlySpan<byte>)_header)[.._headerRead]);
        _headerRead = 0;
        return error;
    }

    // A control frame's payload, whole (at most 125 bytes, in a rented buffer): pongs are dropped, pings answered,
    // and a close returned for the connection to answer.
    private async ValueTask<ValueWebSocketReceiveResult?> ReadControlFrameAsync()
    {
        var opcode = _reader.Opcode;
        var length = (int)_reader.PayloadLeft;
        var payload = ArrayPool<byte>.Shared.Rent(2 + ClientFrameReader.MaxControlPayload);
        try
        {
            var read = 0;
            while (read < length)
            {
                var received = await ReceiveTimedAsync(payload.AsMemory(read, length - read));
                if (received < 0)
                {
                    return null;
                }
                read += received;
            }
            _reader.TakePayload(payload.AsSpan(0, length));
            switch (opcode)
            {
                case ClientFrameReader.Ping when State == WebSocketState.Open:
                    // §5.5.3: the pong carries the ping's payload.
                    await SendFrameAsync(0x80 | ClientFrameReader.Pong, payload.AsMemory(0, length), CancellationToken.None);
                    return null;
                case ClientFrameReader.Close:
                    var error = ClientFrameReader.ValidateClose(payload.AsSpan(0, length), out var code);
                    if (error != FrameError.None)
                    {
                        Breach(error);
                        return null;
                    }
                    _closeStatus = (WebSocketCloseStatus)code;
                    _closeDescription = length > 2 ? Encoding.UTF8.GetString(payload, 2, length - 2) : "";
                    // Open: the client closes first; CloseSent: it answers ours.
                    if (Interlocked.CompareExchange(ref _state, (int)WebSocketState.CloseReceived, (int)WebSocketState.Open) != (int)WebSocketState.Open)
                    {
                        Interlocked.CompareExchange(ref _state, (int)WebSocketState.Closed, (int)WebSocketState.CloseSent);
                    }
                    return new ValueWebSocketReceiveResult(0, WebSocketMessageType.Close, true);
                default:
                    return null;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    // Receives into buffer, within the time the message under way has left (none between messages). -1 when that
    // time ran out (the breach is reported); the end of the stream is an error here, as a close frame never came.
    private async ValueTask<int> ReceiveTimedAsync(Memory<byte> buffer, bool timed = true)
    {
        int received;
        try
        {
            if (!timed)
            {
                received = await _socket.ReceiveAsync(buffer, SocketFlags.None, CancellationToken.None);
            }
            else
            {
                var left = _messageStarted + _messageTimeoutMs - Environment.TickCount64;
                if (left <= 0)
                {
                    TimedOut();
                    return -1;
                }
                using var timeout = new CancellationTokenSource((int)Math.Min(left, int.MaxValue));
                try
                {
                    received = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    TimedOut();
                    return -1;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            throw Broken(ex);
        }
        if (received == 0 && !buffer.IsEmpty)
        {
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
        }
        _received = true;
        return received;
    }

    // A reset or closed socket is the peer gone, as ManagedWebSocket reports it: the connection ends without a close
    // handshake, an error log or a 1011 attempt (any client could cause those at will).
    private WebSocketException Broken(Exception error)
    {
        Abort();
        return new WebSocketException(WebSocketError.ConnectionClosedPrematurely, error);
    }

    private void TimedOut()
    {
        _breached = true;
        _limits.TimedOut();
    }

    private void Breach(FrameError error)
    {
        _breached = true;
        _limits.Breach(
            (WebSocketCloseStatus)(int)error,
            error switch
            {
                FrameError.TooBig => "frame_too_large",
                FrameError.InvalidPayload => "invalid_utf8",
                _ => "protocol_error",
            });
    }

    private Task Park()
    {
        Interlocked.CompareExchange(ref _parked, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);
        if (State is WebSocketState.Aborted or WebSocketState.Closed)
        {
            _parked!.TrySetResult();
        }
        return _parked!.Task;
    }

    private void End()
    {
        _wheel.Remove(this);
        // Ends a pending receive and a send stuck on a full buffer; the listener closes the socket.
        _direct.Abort();
        Interlocked.CompareExchange(ref _parked, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);
        _parked!.TrySetResult();
    }

    // The header is read into this inline array (no buffer object per socket).
    [InlineArray(ClientFrameReader.MaxHeaderLength)]
    private struct HeaderBytes
    {
        private byte _first;
    }
}

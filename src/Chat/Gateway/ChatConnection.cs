using System.Buffers;
using System.Net.WebSockets;
using Akka.Actor;
using CommunityStream.Chat.Delivery;
using CommunityStream.Chat.Rooms;
using CommunityStream.Chat.Telemetry;
using CommunityStream.Identity.Contracts;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Chat.Gateway;

/// <summary>
/// One client WebSocket: a reader loop that parses frames and asks rooms, and a writer loop that drains the
/// <see cref="ConnectionOutbox"/>. On a <see cref="DirectSocket"/> frames are sent by their producers or the room's send pass,
/// and the writer only waits out a full socket buffer; otherwise it sends every frame, coalescing queued frames into
/// newline-separated messages of the WebSocket. Not an actor: the rooms and the node's subscribers are; this only
/// moves bytes and keeps the per-connection limits.
/// </summary>
internal sealed partial class ChatConnection : IDisposable, ClientMessageLimits.IListener
{
    private const int MaxBatchBytes = 64 * 1024;
    private const int MaxInFlightCommands = 16;
    private const int AbuseLimit = 10;
    private static readonly TimeSpan AbuseWindow = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    // A slow consumer gets this long to read what is buffered and the 4008 close before the socket is aborted.
    private static readonly TimeSpan SlowConsumerGrace = TimeSpan.FromSeconds(10);

    private readonly WebSocket _socket;
    private readonly ChatOptions _options;
    private readonly IActorRef _region;
    private readonly IActorRef _localRooms;
    private readonly ITokenValidator _tokens;
    private readonly IUserDirectory _directory;
    private readonly IDeletedAccounts _deleted;
    private readonly ChatMetrics _metrics;
    private readonly ILogger _log;
    private readonly ConnectionOutbox _outbox;
    // Every per-connection object below is created when first needed: most sockets idle in one room for their life.
    // The joined rooms (at most MaxRoomsPerConnection), replaced on join and leave by the reader.
    private RoomId[] _rooms = [];
    private SemaphoreSlim? _inFlight;
    private Queue<DateTime>? _violations;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _askTimeout;
    private AuthenticatedUser? _user;
    // Only an authenticated connection refreshes its token.
    private CancellationTokenSource? _refreshed;
    private (WebSocketCloseStatus Status, string Reason)? _close;
    // A client message broke a limit: nothing more is read, so the close handshake is not waited for.
    private volatile bool _readsEnded;

    public ChatConnection(WebSocket socket, DirectSocket? direct, ClientMessageLimits limits, AuthenticatedUser? user, ChatOptions options, IActorRef region, IActorRef localRooms, ITokenValidator tokens, IUserDirectory directory, IDeletedAccounts deleted, ChatMetrics metrics, ILogger log)
    {
        _socket = socket;
        _user = user;
        _options = options;
        _region = region;
        _localRooms = localRooms;
        _tokens = tokens;
        _directory = directory;
        _deleted = deleted;
        _metrics = metrics;
        _log = log;
        _refreshed = user is null ? null : new CancellationTokenSource();
        _askTimeout = TimeSpan.FromSeconds(options.AskTimeoutSeconds);
        _outbox = new ConnectionOutbox(options.OutboundQueueFrames, direct)
        {
            UserName = user?.Username,
            OnOverflow = AbortSlowConsumerLater,
        };
        Id = "c-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 4));
        limits.Listener = this;
    }

    public string Id { get; }

    private ChatUser? User => _user is { } u ? new ChatUser(u.Id, u.Username, u.IsInRole(Roles.Admin), u.IsInRole(Roles.Moderator)) : null;

    /// <summary>Runs the connection until either side closes it.</summary>
    public async Task RunAsync(CancellationToken shutdown)
    {
        // Stopping aborts the socket, which ends a pending receive or send; so the idle waits carry no token and an
        // idle socket holds no cancellation registrations. Node shutdown closes with 1001 after the queued frames.
        using var onStop = _stop.Token.UnsafeRegister(static socket => ((WebSocket)socket!).Abort(), _socket);
        using var onShutdown = shutdown.UnsafeRegister(static connection => ((ChatConnection)connection!).RequestClose(WebSocketCloseStatus.EndpointUnavailable, "bye"), this);
        var stop = _stop.Token;
        _outbox.Enqueue(Welcome());
        // Started inline rather than with Task.Run: each runs to its first wait, and an idle socket then holds
        // only their state machines. Anonymous connections have no token to expire, so no expiry loop.
        var writer = WriteLoopAsync(stop);
        var expiry = _user?.ExpiresAt is null ? Task.CompletedTask : ExpiryLoopAsync(stop);
        try
        {
            await ReadLoopAsync(shutdown, stop);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The peer vanished or the node is stopping; the finally block cleans up.
        }
        catch (Exception ex)
        {
            // A bug must cost one connection, never the node.
            LogConnectionFailed(_log, ex, Id);
            RequestClose(WebSocketCloseStatus.InternalServerError, "internal_error");
        }
        finally
        {
            foreach (var room in _rooms)
            {
                _localRooms.Tell(new LocalRoomMessages.Detach(room, _outbox));
            }
            _rooms = [];
            RequestClose(shutdown.IsCancellationRequested ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.NormalClosure, "bye");
            await Task.WhenAny(writer, Task.Delay(CloseHandshakeTimeout, CancellationToken.None));
            await _stop.CancelAsync();
            _socket.Abort();
            await Task.WhenAll(writer.ContinueWith(_ => { }, TaskScheduler.Default), expiry.ContinueWith(_ => { }, TaskScheduler.Default));
        }
    }

    /// <summary>Runs on the reading thread, inside the WebSocket's receive, when the stream under it refused the client's bytes.</summary>
    public void OnBreach(WebSocketCloseStatus status, string reason)
    {
        if (status == WebSocketCloseStatus.MessageTooBig)
        {
            _outbox.Enqueue(ServerFrames.Error(reason, $"Frames are at most {_options.MaxFrameBytes} bytes.", null));
        }
        _metrics.Rejected(reason);
        _readsEnded = true;
        RequestClose(status, reason);
    }

    // Runs on the room subscriber's thread; the connection may be finishing at the same moment.
    private void AbortSlowConsumerLater()
    {
        _metrics.SlowConsumerClosed();
        try
        {
            _stop.CancelAfter(SlowConsumerGrace);
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
    }

    public void Dispose()
    {
        _inFlight?.Dispose();
        _refreshed?.Dispose();
        _stop.Dispose();
    }

    /// <summary>Closes from outside the connection (e.g. its account was disabled); safe from any thread.</summary>
    public void Close(WebSocketCloseStatus status, string reason) => RequestClose(status, reason);

    /// <summary>Closes with <paramref name="status"/> after the queued frames (the first reason wins).</summary>
    private void RequestClose(WebSocketCloseStatus status, string reason)
    {
        lock (_outbox)
        {
            _close ??= (status, reason);
        }
        _outbox.Complete();
    }

    private async Task ReadLoopAsync(CancellationToken shutdown, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            // Wait for the next frame without a buffer: an idle socket holds no receive buffer (the stream below
            // does zero-byte reads too), and one is rented only while a frame is being read and parsed.
            var peek = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
            if (peek.MessageType == WebSocketMessageType.Close)
            {
                RequestClose(WebSocketCloseStatus.NormalClosure, "bye");
                return;
            }
            // One byte more than the limit tells an over-limit frame from one that fits exactly.
            var buffer = ArrayPool<byte>.Shared.Rent(_options.MaxFrameBytes + 1);
            ClientFrame? frame;
            FrameError? error;
            try
            {
                var length = 0;
                var result = peek;
                while (!result.EndOfMessage && length <= _options.MaxFrameBytes)
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length, _options.MaxFrameBytes + 1 - length), CancellationToken.None);
                    length += result.Count;
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        RequestClose(WebSocketCloseStatus.NormalClosure, "bye");
                        return;
                    }
                }
                if (length > _options.MaxFrameBytes)
                {
                    _outbox.Enqueue(ServerFrames.Error("frame_too_large", $"Frames are at most {_options.MaxFrameBytes} bytes.", null));
                    _metrics.Rejected("frame_too_large");
                    RequestClose(WebSocketCloseStatus.MessageTooBig, "frame_too_large");
                    await DrainUntilClosedAsync(buffer, stop);
                    return;
                }
                if (_close is not null)
                {
                    continue;
                }
                (frame, error) = ClientFrameParser.Parse(buffer.AsMemory(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            await HandleFrameAsync(frame, error, shutdown);
        }
    }

    // After asking to close, read (and ignore) until the peer's close frame or the writer's time-out.
    private async Task DrainUntilClosedAsync(byte[] buffer, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && _socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }
        }
    }

    private async Task WriteLoopAsync(CancellationToken stop)
    {
        var reader = _outbox.Frames;
        try
        {
            // Completing the outbox (close, overflow) ends this wait; a token here would cost every idle socket.
            while (await reader.WaitToReadAsync())
            {
                if (reader.SendsDirectly)
                {
                    // Woken when the socket's buffer was full (or to finish before closing): wait for room, in turn.
                    await reader.TakeTurnAsync();
                    await reader.DrainAsync(release: true, stop);
                }
                else
                {
                    await SendCoalescedAsync(reader, stop);
                }
            }
            var (status, reason) = _outbox.Overflowed
                ? ((WebSocketCloseStatus)4008, "slow_consumer")
                : _close ?? (WebSocketCloseStatus.NormalClosure, "bye");
            if (_outbox.Overflowed)
            {
                LogSlowConsumer(_log, Id);
            }
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(status, reason, stop);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The socket is gone; the reader notices too.
        }
        finally
        {
            // Closed (or broken) for writing: give the peer a moment to answer the close, then stop reading.
            _stop.CancelAfter(_readsEnded ? TimeSpan.Zero : CloseHandshakeTimeout);
        }
    }

    // The queued frames' payloads joined by newlines into WebSocket messages of up to MaxBatchBytes.
    private async Task SendCoalescedAsync(FrameQueue reader, CancellationToken stop)
    {
        var batch = ArrayPool<byte>.Shared.Rent(MaxBatchBytes);
        try
        {
            var length = 0;
            while (reader.TryPeek(out var frame))
            {
                var payload = frame.Payload;
                if (length > 0 && length + 1 + payload.Length > MaxBatchBytes)
                {
                    break;
                }
                reader.TryRead(out _);
                if (payload.Length > MaxBatchBytes)
                {
                    await _socket.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, stop);
                    continue;
                }
                if (length > 0)
                {
                    // Newline-delimited JSON: JSON text never holds a raw newline.
                    batch[length++] = (byte)'\n';
                }
                payload.CopyTo(batch.AsMemory(length));
                length += payload.Length;
            }
            if (length > 0)
            {
                await _socket.SendAsync(batch.AsMemory(0, length), WebSocketMessageType.Text, endOfMessage: true, stop);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(batch);
        }
    }

    private async Task ExpiryLoopAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested && _user?.ExpiresAt is { } expiresAt)
            {
                var refreshed = _refreshed!.Token;
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop, refreshed);
                try
                {
                    var warnAt = expiresAt.AddSeconds(-60) - DateTimeOffset.UtcNow;
                    if (warnAt > TimeSpan.Zero)
                    {
                        await Task.Delay(warnAt, wait.Token);
                    }
                    _outbox.Enqueue(ServerFrames.WithTime("token_expiring", "expiresAt", expiresAt));
                    var untilExpiry = expiresAt - DateTimeOffset.UtcNow;
                    if (untilExpiry > TimeSpan.Zero)
                    {
                        await Task.Delay(untilExpiry, wait.Token);
                    }
                    RequestClose((WebSocketCloseStatus)4001, "token_expired");
                    return;
                }
                catch (OperationCanceledException) when (refreshed.IsCancellationRequested && !stop.IsCancellationRequested)
                {
                    // A refresh moved the expiry: start over with the new one.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The connection ended.
        }
    }

    private byte[] Welcome() => ServerFrames.Write(w =>
    {
        w.WriteString("type", "welcome");
        w.WriteNumber("v", 1);
        w.WriteString("connectionId", Id);
        if (_user is null)
        {
            w.WriteNull("user");
        }
        else
        {
            w.WriteStartObject("user");
            w.WriteString("id", _user.Id);
            w.WriteString("name", _user.Username);
            w.WriteStartArray("roles");
            foreach (var role in _user.Roles)
            {
                w.WriteStringValue(role);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteStartObject("limits");
        w.WriteNumber("maxMessageLength", _options.MaxMessageLength);
        w.WriteNumber("maxFrameBytes", _options.MaxFrameBytes);
        w.WriteNumber("maxRooms", _options.MaxRoomsPerConnection);
        w.WriteEndObject();
    });

    [LoggerMessage(Level = LogLevel.Error, Message = "Chat connection {ConnectionId} failed")]
    private static partial void LogConnectionFailed(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat connection {ConnectionId} closed as a slow consumer")]
    private static partial void LogSlowConsumer(ILogger logger, string connectionId);
}

using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using CommunityStream.BuildingBlocks;
using CommunityStream.Chat.Delivery;
using CommunityStream.Chat.Gateway.Framing;
using CommunityStream.Identity.Contracts;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityStream.Chat.Gateway.Accept;

/// <summary>
/// Decides, for each socket <see cref="ChatAcceptListener"/> accepts, whether it is a chat upgrade this node takes
/// on the bare socket, and runs it. The first bytes are only peeked (<c>MSG_PEEK</c>), so anything else (another
/// request, an upgrade refused for its token or the per-address limit, an odd head) reaches Kestrel with its bytes
/// unread and is answered by <see cref="ChatSocketConnectionMiddleware"/> and HTTP as before. The per-address count
/// starts at accept here and is handed over with the connection; the request head timeout (408) applies here too.
/// </summary>
internal sealed partial class ChatSocketAcceptor(IServiceProvider services)
{
    // After a 408, the most bytes read (in chunks) from a client that keeps sending.
    private const int DrainLimit = 64 * 1024;
    private const int DrainChunk = 1024;

    // The first wait for more of a head that arrived in pieces; doubled up to the last (a peek cannot wait for more bytes).
    private static readonly TimeSpan FirstHeadPoll = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan LastHeadPoll = TimeSpan.FromMilliseconds(200);

    // After a 408: how long the acceptor reads what the client still sends before closing.
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(1);

    private static ReadOnlySpan<byte> RequestTimeout => "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"u8;

    private readonly ChatOptions _options = services.GetRequiredService<IOptions<ChatOptions>>().Value;
    private readonly ConnectionsPerAddress _perAddress = services.GetRequiredService<ConnectionsPerAddress>();
    private readonly TrustedProxies _proxies = services.GetService<TrustedProxies>() ?? TrustedProxies.None;
    private readonly NodeDrain _drain = services.GetRequiredService<NodeDrain>();
    private readonly KeepAliveWheel _wheel = services.GetRequiredService<KeepAliveWheel>();
    private readonly ILogger _log = services.GetRequiredService<ILoggerFactory>().CreateLogger("CommunityStream.Chat.Connection");
    private long _taken;

    /// <summary>Chat upgrades taken on the bare socket so far (for tests and the listener's proof of life).</summary>
    public long Taken => Interlocked.Read(ref _taken);

    /// <summary>Looks at one accepted socket; for a chat upgrade, runs the chat connection until it ends.</summary>
    public async Task RunAsync(Socket socket, ChatAcceptListener listener, CancellationToken stopping)
    {
        var peer = (socket.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        var viaProxy = _proxies.Trusts(peer);
        // Counted from accept, before a byte is read (as ChatSocketConnectionMiddleware does): over the limit, the
        // middleware answers 429.
        if (!_perAddress.TryAcquire(peer, viaProxy ? _options.MaxConnectionsPerProxy : _options.MaxConnectionsPerIp, viaProxy))
        {
            Hand(listener, socket, peerCounted: false);
            return;
        }
        // Released here unless the connection (and its count) went to Kestrel.
        var counted = true;
        IPAddress? client = null;
        try
        {
            if (!_options.UpgradeBeforeHttp || _drain.IsDraining)
            {
                counted = !Hand(listener, socket, peerCounted: true);
                return;
            }
            var (request, received) = await PeekUpgradeAsync(socket, TimeSpan.FromSeconds(_options.RequestHeadTimeoutSeconds), stopping);
            if (request is null)
            {
                if (received is { } bytes)
                {
                    // No complete head in time: 408 when a request had begun, silence when nothing came.
                    await AnswerTimeoutAsync(socket, bytes);
                    return;
                }
                counted = !Hand(listener, socket, peerCounted: true);
                return;
            }
            AuthenticatedUser? user = null;
            if (request.Token is { } token
                && (user = await services.GetRequiredService<ITokenValidator>().ValidateAccessTokenAsync(token, stopping)) is null)
            {
                counted = !Hand(listener, socket, peerCounted: true);
                return;
            }
            // Behind a trusted proxy the limit is the forwarded client's; over it, HTTP answers 429.
            client = viaProxy ? _proxies.ClientOf(peer, request.ForwardedFor) : null;
            if (client is not null && !_perAddress.TryAcquire(client, _options.MaxConnectionsPerIp))
            {
                client = null;
                counted = !Hand(listener, socket, peerCounted: true);
                return;
            }
            Interlocked.Increment(ref _taken);
            var limits = new ClientMessageLimits(_options.MaxFrameBytes, TimeSpan.FromSeconds(_options.MessageTimeoutSeconds));
            var run = ChatSocketEndpoint.RunAsync(services, user, limits, Accepting(socket, request, limits), stopping);
            // This frame lasts as long as the socket: it keeps neither the request nor its token.
            request = null;
            await run;
        }
        catch (OperationCanceledException)
        {
            // The client went away, or the node stopped, before the connection began.
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The client went away while its head was looked at or answered.
        }
        catch (Exception ex)
        {
            LogUpgradeFailed(_log, ex, peer);
        }
        finally
        {
            if (client is not null)
            {
                _perAddress.Release(client);
            }
            if (counted)
            {
                _perAddress.Release(peer, viaProxy);
                socket.Dispose();
            }
        }
    }

    /// <summary>Gives back the per-address count of a connection handed to Kestrel that Kestrel never took (the listener stopped).</summary>
    internal void ReleaseUntaken(ConnectionContext connection)
    {
        if (connection.Items.ContainsKey(ChatSocketConnectionMiddleware.PeerCountedByTransport))
        {
            var peer = (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
            _perAddress.Release(peer, _proxies.Trusts(peer));
        }
    }

    // True when Kestrel took the connection (its count, if any, with it).
    private static bool Hand(ChatAcceptListener listener, Socket socket, bool peerCounted)
    {
        try
        {
            listener.HandToKestrel(socket, peerCounted);
            return true;
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            // The listener stopped, or the client already left: the socket is closed.
            socket.Dispose();
            return false;
        }
    }

    // The request when the first bytes are a whole chat upgrade; null with nothing received when they are not (or may
    // not be) one; null with the bytes received when no whole head came in time. Nothing is consumed. The buffer is
    // rented only around each peek (a stalled head holds none while it waits), and an unchanged count is not parsed
    // again (peeked bytes are always the stream's first ones: the same count is the same bytes).
    private static async Task<(UpgradeRequest? Request, int? TimedOutWith)> PeekUpgradeAsync(Socket socket, TimeSpan headTimeout, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(headTimeout);
        var received = 0;
        var parsed = -1;
        var poll = FirstHeadPoll;
        try
        {
            // Wait for the first bytes without a buffer, then look at what came.
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, timeout.Token);
            while (true)
            {
                // One byte over the longest head taken: a longer one is left to HTTP.
                var buffer = ArrayPool<byte>.Shared.Rent(UpgradeRequest.MaxHeadBytes + 1);
                try
                {
                    received = await socket.ReceiveAsync(buffer.AsMemory(0, UpgradeRequest.MaxHeadBytes + 1), SocketFlags.Peek, timeout.Token);
                    if (received == 0)
                    {
                        // The client closed (or half-closed) before a request: Kestrel ends it as it would.
                        return (null, null);
                    }
                    if (received != parsed)
                    {
                        parsed = received;
                        var verdict = UpgradeRequest.TryParse(new ReadOnlySequence<byte>(buffer, 0, received), out var request);
                        if (verdict != UpgradeRequest.Verdict.NeedMore)
                        {
                            return (request, null);
                        }
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                // The head came in pieces: a peek returns at once while any byte is there, so look again a little later.
                await Task.Delay(poll, timeout.Token);
                poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, LastHeadPoll.Ticks));
            }
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return (null, received);
        }
    }

    // Answers an unfinished head with 408. The peeked bytes are read (and dropped) first and the answer is followed by a
    // FIN and a short drain: a close with unread bytes in the kernel sends RST, which can discard the answer on its way.
    private static async Task AnswerTimeoutAsync(Socket socket, int received)
    {
        if (received == 0)
        {
            socket.Shutdown(SocketShutdown.Both);
            return;
        }
        var sink = ArrayPool<byte>.Shared.Rent(DrainChunk);
        try
        {
            for (var left = received; left > 0;)
            {
                var read = await socket.ReceiveAsync(sink.AsMemory(0, Math.Min(left, sink.Length)), SocketFlags.None);
                if (read == 0)
                {
                    break;
                }
                left -= read;
            }
            await socket.SendAsync(RequestTimeout.ToArray(), SocketFlags.None);
            socket.Shutdown(SocketShutdown.Send);
            // Until the client's FIN, a bounded count of bytes, or a moment: whatever it still sends must not reset the answer.
            using var drain = new CancellationTokenSource(DrainTime);
            for (var drained = 0; drained < DrainLimit;)
            {
                var read = await socket.ReceiveAsync(sink, SocketFlags.None, drain.Token);
                if (read == 0)
                {
                    break;
                }
                drained += read;
            }
        }
        catch (OperationCanceledException)
        {
            // The drain's moment passed: close anyway.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sink);
        }
    }

    private Func<Task<(WebSocket, DirectSocket?)>> Accepting(Socket socket, UpgradeRequest request, ClientMessageLimits limits) =>
        () => AcceptAsync(socket, request, limits);

    private async Task<(WebSocket, DirectSocket?)> AcceptAsync(Socket socket, UpgradeRequest request, ClientMessageLimits limits)
    {
        // The head is consumed only now: until here a refusal could still hand the bytes to HTTP.
        var head = ArrayPool<byte>.Shared.Rent(request.HeadLength);
        try
        {
            var read = 0;
            while (read < request.HeadLength)
            {
                var received = await socket.ReceiveAsync(head.AsMemory(read, request.HeadLength - read), SocketFlags.None);
                if (received == 0)
                {
                    throw new SocketException((int)SocketError.ConnectionReset);
                }
                read += received;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
        var direct = new DirectSocket(socket);
        await direct.WriteInTurnAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {request.AcceptKey()}\r\n\r\n"), CancellationToken.None);
        if (_options.FrameSocketsItself)
        {
            return (new ChatWebSocket(socket, direct, limits, _wheel, _options.MaxFrameBytes, TimeSpan.FromSeconds(_options.MessageTimeoutSeconds)), direct);
        }
        var webSocket = WebSocket.CreateFromStream(new SocketChatStream(socket, limits, direct), new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = ChatModule.WebSocketKeepAlive,
        });
        return (webSocket, direct);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Chat connection from {Peer} failed before or during the upgrade")]
    private static partial void LogUpgradeFailed(ILogger logger, Exception exception, IPAddress peer);
}

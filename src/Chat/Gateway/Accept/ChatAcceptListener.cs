using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Chat.Gateway.Accept;

/// <summary>
/// A public listener's accept loop, Chat's instead of Kestrel's. Each accepted socket is looked at by
/// <see cref="ChatSocketAcceptor"/>: a chat upgrade it can take runs on the bare socket, with none of Kestrel's
/// per-connection transport (two pipes, socket event args, a receive and a send loop: about 3.6 KB per idle socket,
/// measured with dotnet-gcdump); every other connection gets Kestrel's own socket connection, built by
/// <see cref="SocketConnectionContextFactory"/> over the same socket with its bytes unread, and goes through the
/// listener's middleware and HTTP exactly as if Kestrel had accepted it.
/// </summary>
internal sealed partial class ChatAcceptListener : IConnectionListener
{
    private static readonly TimeSpan AcceptPause = TimeSpan.FromMilliseconds(100);

    private readonly Socket _listen;
    private readonly SocketConnectionContextFactory _contexts;
    private readonly Channel<ConnectionContext> _handed = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly ChatSocketAcceptor _acceptor;
    private readonly bool _noDelay;
    private readonly ILogger _log;
    private readonly Task _accepting;

    private ChatAcceptListener(Socket listen, SocketTransportOptions transport, ChatSocketAcceptor acceptor, ILoggerFactory loggers)
    {
        _listen = listen;
        _acceptor = acceptor;
        _noDelay = transport.NoDelay;
        _log = loggers.CreateLogger("CommunityStream.Chat.Connection");
        _contexts = new SocketConnectionContextFactory(
            new SocketConnectionFactoryOptions
            {
                IOQueueCount = transport.IOQueueCount,
                WaitForDataBeforeAllocatingBuffer = transport.WaitForDataBeforeAllocatingBuffer,
                MaxReadBufferSize = transport.MaxReadBufferSize,
                MaxWriteBufferSize = transport.MaxWriteBufferSize,
                UnsafePreferInlineScheduling = transport.UnsafePreferInlineScheduling,
            },
            loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets"));
        EndPoint = listen.LocalEndPoint!;
        _accepting = AcceptLoopAsync();
    }

    public EndPoint EndPoint { get; }

    /// <summary>Binds and listens on <paramref name="endpoint"/> (the any-address falls back to IPv4 without IPv6, as Kestrel's does).</summary>
    public static ChatAcceptListener Bind(ChatAcceptEndPoint endpoint, ChatSocketAcceptor acceptor, SocketTransportOptions transport, ILoggerFactory loggers)
    {
        Socket listen;
        try
        {
            listen = transport.CreateBoundListenSocket(new IPEndPoint(endpoint.Address, endpoint.Port));
        }
        catch (SocketException ex) when (endpoint.Address.Equals(IPAddress.IPv6Any) && ex.SocketErrorCode == SocketError.AddressFamilyNotSupported)
        {
            listen = transport.CreateBoundListenSocket(new IPEndPoint(IPAddress.Any, endpoint.Port));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new AddressInUseException(ex.Message, ex);
        }
        listen.Listen(transport.Backlog);
        return new ChatAcceptListener(listen, transport, acceptor, loggers);
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            while (await _handed.Reader.WaitToReadAsync(cancellationToken))
            {
                if (_handed.Reader.TryRead(out var connection))
                {
                    return connection;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Kestrel stops accepting.
        }
        return null;
    }

    /// <summary>Gives a connection that is not a chat upgrade to Kestrel, its bytes unread.</summary>
    internal void HandToKestrel(Socket socket, bool peerCounted)
    {
        ConnectionContext connection;
        try
        {
            connection = _contexts.Create(socket);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            socket.Dispose();
            throw;
        }
        if (peerCounted)
        {
            connection.Items[ChatSocketConnectionMiddleware.PeerCountedByTransport] = true;
        }
        if (!_handed.Writer.TryWrite(connection))
        {
            // The listener stopped meanwhile.
            _ = connection.DisposeAsync().AsTask();
            throw new ObjectDisposedException(nameof(ChatAcceptListener));
        }
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        await _stopping.CancelAsync();
        _listen.Dispose();
        await _accepting;
    }

    public async ValueTask DisposeAsync()
    {
        await UnbindAsync();
        // Connections handed over that Kestrel never accepted: closed here, their per-address counts given back.
        while (_handed.Reader.TryRead(out var untaken))
        {
            _acceptor.ReleaseUntaken(untaken);
            await untaken.DisposeAsync();
        }
        _contexts.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        // Off the binding thread: Kestrel's start goes on while the loop waits.
        await Task.Yield();
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listen.AcceptAsync(_stopping.Token);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
                {
                    // The client gave up while it waited in the backlog.
                    continue;
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    // Out of descriptors or memory for now: the backlog waits, and sockets that close make room.
                    LogAcceptPaused(_log, EndPoint, ex.SocketErrorCode);
                    await Task.Delay(AcceptPause, _stopping.Token);
                    continue;
                }
                if (socket.LocalEndPoint is IPEndPoint)
                {
                    socket.NoDelay = _noDelay;
                }
                // Runs to its first wait here; a chat socket's whole life is this task.
                _ = _acceptor.RunAsync(socket, this, _stopping.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException
                                       || ex is SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted })
        {
            // Unbound.
        }
        catch (Exception ex)
        {
            LogAcceptFailed(_log, ex, EndPoint);
        }
        finally
        {
            _handed.Writer.TryComplete();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chat accept loop on {EndPoint} pauses: {Error}")]
    private static partial void LogAcceptPaused(ILogger logger, EndPoint endPoint, SocketError error);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The chat accept loop on {EndPoint} failed: the listener takes no more connections")]
    private static partial void LogAcceptFailed(ILogger logger, Exception exception, EndPoint endPoint);
}

using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using CommunityStream.BuildingBlocks;
using CommunityStream.Chat.Delivery;
using CommunityStream.Identity.Contracts;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityStream.Chat.Gateway;

/// <summary>
/// Kestrel connection middleware that accepts a connection's <c>GET /ws</c> upgrade itself, before HTTP. An
/// upgraded HTTP request keeps its whole request context alive for the socket's life (HTTP/1.1 parser state,
/// request and response headers, features, middleware frames, request services: about 12 KB per idle socket,
/// measured with dotnet-gcdump); here only the transport and the WebSocket remain. Every other request, and any
/// upgrade it would refuse or is unsure of (bad token, per-IP limit, odd headers), goes on to HTTP untouched,
/// where <see cref="ChatSocketEndpoint"/> answers exactly as before.
/// </summary>
internal sealed partial class ChatSocketConnectionMiddleware(ConnectionDelegate next, IServiceProvider services, bool tls = false)
{
    /// <summary>
    /// Set in a connection's items when its peer was counted from accept against the per-IP limit: the HTTP endpoint
    /// must not count the same client twice.
    /// </summary>
    public const string CountedAtAccept = "CommunityStream.Chat.CountedAtAccept";

    /// <summary>
    /// Set by Chat's own accept path (<see cref="Accept.ChatAcceptListener"/>) on a connection it handed to Kestrel
    /// with the peer already counted: this middleware releases that count at the end instead of taking another.
    /// </summary>
    public const string PeerCountedByTransport = "CommunityStream.Chat.PeerCountedByTransport";

    // An over-limit client gets this long to finish sending its request after the 429, so closing does not reset a
    // connection whose answer it has not read yet.
    private static readonly TimeSpan RefusalLinger = TimeSpan.FromSeconds(1);

    private static ReadOnlySpan<byte> RequestTimeout => "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"u8;

    private readonly ILogger _log = services.GetRequiredService<ILoggerFactory>().CreateLogger("CommunityStream.Chat.Connection");

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var options = services.GetRequiredService<IOptions<ChatOptions>>().Value;
        // Every connection counts from accept, before a byte is read: a client cannot hold more than its share of
        // sockets by never finishing its request. A trusted proxy's connections carry many clients: they count against
        // the proxy's own ceiling here, and each forwarded client against the per-IP limit once its head names it.
        var peer = (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        var proxies = services.GetService<TrustedProxies>() ?? TrustedProxies.None;
        var viaProxy = proxies.Trusts(peer);
        // Set when the peer is a trusted proxy, whose forwarded client is counted once the head is read.
        var forwarding = viaProxy ? proxies : null;
        var perAddress = services.GetRequiredService<ConnectionsPerAddress>();
        if (!connection.Items.ContainsKey(PeerCountedByTransport)
            && !perAddress.TryAcquire(peer, viaProxy ? options.MaxConnectionsPerProxy : options.MaxConnectionsPerIp, viaProxy))
        {
            await RefuseAsync(connection, options, peer, viaProxy);
            return;
        }
        // One frame for the socket's life (an idle socket holds every awaiting method's state): so no helper here.
        try
        {
            // While the node drains, HTTP answers every upgrade with 503.
            if (!options.UpgradeBeforeHttp || services.GetRequiredService<NodeDrain>().IsDraining)
            {
                await HandToHttpAsync(connection, forwarding is null);
                return;
            }
            UpgradeRequest? request;
            try
            {
                (request, var timedOutWith) = await ReadUpgradeAsync(connection.Transport.Input, TimeSpan.FromSeconds(options.RequestHeadTimeoutSeconds), connection.ConnectionClosed);
                if (timedOutWith is { } received)
                {
                    // No complete head in time: an unfinished upgrade, or nothing. HTTP would not time it out (the
                    // bytes this peek examined do not wake its first read), so the connection ends here: with 408 when
                    // a request had begun, silently (as an idle keep-alive connection) when nothing came.
                    if (received > 0)
                    {
                        await connection.Transport.Output.WriteAsync(RequestTimeout.ToArray());
                    }
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (request is null)
            {
                await HandToHttpAsync(connection, forwarding is null);
                return;
            }

            AuthenticatedUser? user = null;
            if (request.Token is { } token
                && (user = await services.GetRequiredService<ITokenValidator>().ValidateAccessTokenAsync(token, connection.ConnectionClosed)) is null)
            {
                await HandToHttpAsync(connection, forwarding is null);
                return;
            }
            // Behind a configured reverse proxy the limit is the client's, not the proxy's (as the HTTP path sees it); a
            // direct peer was counted at accept.
            var client = forwarding?.ClientOf(peer, request.ForwardedFor);
            if (client is not null && !perAddress.TryAcquire(client, options.MaxConnectionsPerIp))
            {
                await HandToHttpAsync(connection, countedAtAccept: false);
                return;
            }
            try
            {
                var limits = new ClientMessageLimits(options.MaxFrameBytes, TimeSpan.FromSeconds(options.MessageTimeoutSeconds));
                await ChatSocketEndpoint.RunAsync(services, user, limits, () => AcceptAsync(connection, request, limits), connection.ConnectionClosed);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogUpgradeFailed(_log, ex, connection.ConnectionId);
            }
            catch (OperationCanceledException)
            {
                // The client went away before the node's actors were ready.
            }
            finally
            {
                if (client is not null)
                {
                    perAddress.Release(client);
                }
            }
        }
        finally
        {
            perAddress.Release(peer, viaProxy);
        }
    }

    // Over the limit: a 429 problem at once (on plain HTTP listeners; under TLS these bytes would be garbage, so the
    // connection is only closed), then what the client still sends for a moment is read and dropped before closing.
    private async Task RefuseAsync(ConnectionContext connection, ChatOptions options, IPAddress peer, bool viaProxy)
    {
        LogRefused(_log, connection.ConnectionId, peer);
        if (tls)
        {
            return;
        }
        var limit = viaProxy ? options.MaxConnectionsPerProxy : options.MaxConnectionsPerIp;
        var body = Encoding.UTF8.GetBytes(
            $"{{\"type\":\"https://tools.ietf.org/html/rfc6585#section-4\",\"title\":\"Too many connections.\",\"status\":429,\"detail\":\"At most {limit} connections per address.\"}}");
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Type: application/problem+json\r\nContent-Length: {body.Length}\r\n\r\n");
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        linger.CancelAfter(RefusalLinger);
        try
        {
            byte[] response = [.. head, .. body];
            await connection.Transport.Output.WriteAsync(response, linger.Token);
            var input = connection.Transport.Input;
            while (true)
            {
                var result = await input.ReadAsync(linger.Token);
                var ended = HasWholeHead(result.Buffer);
                input.AdvanceTo(result.Buffer.End);
                if (ended || result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Lingered long enough.
        }
    }

    // Peeks at the first bytes without consuming them: the request, null when the connection is not a /ws upgrade; or,
    // when no complete head came within the timeout, how many bytes did.
    private static async Task<(UpgradeRequest? Request, long? TimedOutWith)> ReadUpgradeAsync(PipeReader input, TimeSpan headTimeout, CancellationToken closed)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(closed);
        timeout.CancelAfter(headTimeout);
        long received = 0;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!closed.IsCancellationRequested)
            {
                return (null, received);
            }
            received = result.Buffer.Length;
            var verdict = UpgradeRequest.TryParse(result.Buffer, out var request);
            if (verdict == UpgradeRequest.Verdict.NeedMore && !result.IsCompleted && !result.IsCanceled)
            {
                input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                continue;
            }
            // Nothing consumed: HTTP, or the upgrade below, reads the same bytes again.
            input.AdvanceTo(result.Buffer.Start);
            return (verdict == UpgradeRequest.Verdict.Upgrade ? request : null, null);
        }
    }

    private static bool HasWholeHead(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        return reader.TryReadTo(out ReadOnlySequence<byte> _, "\r\n\r\n"u8);
    }

    private async Task HandToHttpAsync(ConnectionContext connection, bool countedAtAccept)
    {
        if (countedAtAccept)
        {
            connection.Items[CountedAtAccept] = true;
        }
        await next(connection);
    }

    private static async Task<(WebSocket, DirectSocket?)> AcceptAsync(ConnectionContext connection, UpgradeRequest request, ClientMessageLimits limits)
    {
        // The head is consumed only now: until here a refusal could still hand the bytes to HTTP.
        var input = connection.Transport.Input;
        var head = await input.ReadAtLeastAsync(request.HeadLength);
        input.AdvanceTo(head.Buffer.GetPosition(request.HeadLength));
        var response = Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {request.AcceptKey()}\r\n\r\n");
        var direct = DirectSocketOf(connection);
        if (direct is null)
        {
            await connection.Transport.Output.WriteAsync(response);
        }
        else
        {
            // Everything goes to the socket from here on, the response first: nothing may wait in Kestrel's pipe.
            await direct.WriteInTurnAsync(response, connection.ConnectionClosed);
        }
        var socket = WebSocket.CreateFromStream(new DuplexPipeStream(connection.Transport, limits, direct), new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = ChatModule.WebSocketKeepAlive,
        });
        return (socket, direct);
    }

    // Only a plain TCP connection's bytes are the socket's: under TLS (or any transport that rewrites them) the
    // connection's frames must go through Kestrel's pipe.
    private static DirectSocket? DirectSocketOf(ConnectionContext connection) =>
        DirectSocket.IsSupported
            && connection.Features.Get<ITlsHandshakeFeature>() is null
            && connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket
            ? new DirectSocket(socket)
            : null;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {Peer} refused: over the per-address connection limit")]
    private static partial void LogRefused(ILogger logger, string connectionId, IPAddress peer);

    [LoggerMessage(Level = LogLevel.Error, Message = "Chat connection {ConnectionId} failed before or during the upgrade")]
    private static partial void LogUpgradeFailed(ILogger logger, Exception exception, string connectionId);
}

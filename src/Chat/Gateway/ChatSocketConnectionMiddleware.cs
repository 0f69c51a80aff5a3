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
internal sealed partial class ChatSocketConnectionMiddleware(ConnectionDelegate next, IServiceProvider services)
{
    // A client that has not sent its request head by then is HTTP's to time out.
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(10);

    private readonly ILogger _log = services.GetRequiredService<ILoggerFactory>().CreateLogger("CommunityStream.Chat.Connection");

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var options = services.GetRequiredService<IOptions<ChatOptions>>().Value;
        // While the node drains, HTTP answers every upgrade with 503.
        if (!options.UpgradeBeforeHttp || services.GetRequiredService<NodeDrain>().IsDraining)
        {
            await next(connection);
            return;
        }
        UpgradeRequest? request;
        try
        {
            request = await ReadUpgradeAsync(connection.Transport.Input, connection.ConnectionClosed);
        }
        catch (OperationCanceledException)
        {
            request = null;
        }
        if (request is null)
        {
            await next(connection);
            return;
        }

        AuthenticatedUser? user = null;
        if (request.Token is { } token
            && (user = await services.GetRequiredService<ITokenValidator>().ValidateAccessTokenAsync(token, connection.ConnectionClosed)) is null)
        {
            await HandToHttpAsync(connection);
            return;
        }
        // Behind a configured reverse proxy the limit is the client's, not the proxy's (as the HTTP path sees it).
        var peer = (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        var address = (services.GetService<TrustedProxies>() ?? TrustedProxies.None).ClientOf(peer, request.ForwardedFor);
        var perAddress = services.GetRequiredService<ConnectionsPerAddress>();
        if (!perAddress.TryAcquire(address, options.MaxConnectionsPerIp))
        {
            await HandToHttpAsync(connection);
            return;
        }
        try
        {
            await ChatSocketEndpoint.RunAsync(services, user, () => AcceptAsync(connection, request), connection.ConnectionClosed);
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
            perAddress.Release(address);
        }
    }

    // Peeks at the first bytes without consuming them; null when the connection is not a /ws upgrade.
    private static async Task<UpgradeRequest?> ReadUpgradeAsync(PipeReader input, CancellationToken closed)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(closed);
        timeout.CancelAfter(HeadTimeout);
        while (true)
        {
            var result = await input.ReadAsync(timeout.Token);
            var verdict = UpgradeRequest.TryParse(result.Buffer, out var request);
            if (verdict == UpgradeRequest.Verdict.NeedMore && !result.IsCompleted && !result.IsCanceled)
            {
                input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                continue;
            }
            // Nothing consumed: HTTP, or the upgrade below, reads the same bytes again.
            input.AdvanceTo(result.Buffer.Start);
            return verdict == UpgradeRequest.Verdict.Upgrade ? request : null;
        }
    }

    private async Task HandToHttpAsync(ConnectionContext connection) => await next(connection);

    private static async Task<(WebSocket, DirectSocket?)> AcceptAsync(ConnectionContext connection, UpgradeRequest request)
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
        var socket = WebSocket.CreateFromStream(new DuplexPipeStream(connection.Transport, direct), new WebSocketCreationOptions
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Chat connection {ConnectionId} failed before or during the upgrade")]
    private static partial void LogUpgradeFailed(ILogger logger, Exception exception, string connectionId);
}

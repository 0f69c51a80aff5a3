using System.Net;
using System.Net.WebSockets;
using Akka.Hosting;
using CommunityStream.BuildingBlocks;
using CommunityStream.Chat.Delivery;
using CommunityStream.Chat.Rooms;
using CommunityStream.Chat.Telemetry;
using CommunityStream.Identity.Contracts;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityStream.Chat.Gateway;

/// <summary><c>GET /ws</c>: authenticates, applies the per-IP limit, upgrades, and runs a <see cref="ChatConnection"/>.</summary>
internal static class ChatSocketEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return Problems.Status(StatusCodes.Status400BadRequest, "WebSocket upgrade required.", "Connect with a WebSocket client; see docs/chat-protocol.md.");
        }
        var services = context.RequestServices;
        if (services.GetRequiredService<NodeDrain>().IsDraining)
        {
            // The node is leaving: the client reconnects through the load balancer to another node.
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Node is shutting down.", "Reconnect; another node takes the connection.");
        }
        var options = services.GetRequiredService<IOptions<ChatOptions>>().Value;
        var tokens = services.GetRequiredService<ITokenValidator>();
        var cancel = context.RequestAborted;

        AuthenticatedUser? user = null;
        if (BearerToken.From(context.Request) is { } token)
        {
            user = await tokens.ValidateAccessTokenAsync(token, cancel);
            if (user is null)
            {
                return Problems.Status(StatusCodes.Status401Unauthorized, "Invalid access token.", "The token is invalid or expired; log in again.");
            }
        }

        // A peer that reached the node directly was counted from accept (ChatSocketConnectionMiddleware); a client
        // behind a trusted proxy is counted here, by its forwarded address.
        // An HTTP/2 connection carries many WebSockets (RFC 8441): each counts on its own.
        var counted = HttpProtocol.IsHttp11(context.Request.Protocol)
            && context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(ChatSocketConnectionMiddleware.CountedAtAccept) == true;
        var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
        var perAddress = services.GetRequiredService<ConnectionsPerAddress>();
        if (!counted && !perAddress.TryAcquire(address, options.MaxConnectionsPerIp))
        {
            return Problems.Status(StatusCodes.Status429TooManyRequests, "Too many connections.", $"At most {options.MaxConnectionsPerIp} WebSockets per address.");
        }
        try
        {
            var limits = new ClientMessageLimits(options.MaxFrameBytes, TimeSpan.FromSeconds(options.MessageTimeoutSeconds));
            await RunAsync(services, user, limits, async () => (await AcceptAsync(context, limits), null), cancel);
            return Results.Empty;
        }
        finally
        {
            if (!counted)
            {
                perAddress.Release(address);
            }
        }
    }

    // What WebSocketManager.AcceptWebSocketAsync does (the middleware validated the request), with the client's
    // limits under the WebSocket.
    private static async Task<WebSocket> AcceptAsync(HttpContext context, ClientMessageLimits limits)
    {
        if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
        {
            // A WebSocket over HTTP/2 (an https listener negotiates it): an extended CONNECT answered 200, no key.
            return Create(await connect.AcceptAsync(), limits);
        }
        var key = context.Request.Headers.SecWebSocketKey.ToString();
        context.Response.StatusCode = StatusCodes.Status101SwitchingProtocols;
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = UpgradeRequest.AcceptKeyOf(key);
        return Create(await context.Features.GetRequiredFeature<IHttpUpgradeFeature>().UpgradeAsync(), limits);
    }

    private static WebSocket Create(Stream stream, ClientMessageLimits limits) =>
        WebSocket.CreateFromStream(new LimitedUpgradeStream(stream, limits), new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = ChatModule.WebSocketKeepAlive,
        });

    /// <summary>
    /// Accepts the socket once the node's actors are there, and runs one <see cref="ChatConnection"/> on it.
    /// <paramref name="accept"/> upgrades and returns the WebSocket and, where frames may go straight to the socket, that socket.
    /// </summary>
    public static async Task RunAsync(IServiceProvider services, AuthenticatedUser? user, ClientMessageLimits limits, Func<Task<(WebSocket, DirectSocket?)>> accept, CancellationToken cancel)
    {
        var options = services.GetRequiredService<IOptions<ChatOptions>>().Value;
        var region = await services.GetRequiredService<IRequiredActor<RoomRegionMarker>>().GetAsync(cancel);
        var localRooms = await services.GetRequiredService<IRequiredActor<LocalRoomsMarker>>().GetAsync(cancel);
        var (socket, direct) = await accept();
        // This frame lasts as long as the socket: let go of what the upgrade captured (its request, the token).
        accept = null!;
        using var disposeSocket = socket;
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("CommunityStream.Chat.Connection");
        using var connection = new ChatConnection(socket, direct, limits, user, options, region, localRooms, services.GetRequiredService<ITokenValidator>(), services.GetRequiredService<IUserDirectory>(), services.GetRequiredService<IDeletedAccounts>(), services.GetRequiredService<ChatMetrics>(), log);
        // The drain closes the socket with 1001 (at once if it began during the upgrade) before the node leaves the cluster.
        var draining = services.GetRequiredService<NodeDrain>().Started;
        var authenticated = services.GetRequiredService<AuthenticatedConnections>();
        var open = services.GetRequiredService<OpenChatConnections>();
        if (user is not null)
        {
            // Listed for the disabled-account sweep (a refresh keeps the same account id).
            authenticated.Add(connection, user.Id);
        }
        open.Opened();
        try
        {
            await connection.RunAsync(draining);
        }
        finally
        {
            authenticated.Remove(connection);
            open.Closed();
        }
    }
}

/// <summary>The access token of a request: <c>Authorization: Bearer</c> or, for browsers' WebSockets, <c>access_token</c>.</summary>
internal static class BearerToken
{
    public static string? From(HttpRequest request)
    {
        if (FromAuthorization(request.Headers.Authorization.ToString()) is { } token)
        {
            return token;
        }
        var query = request.Query["access_token"].ToString();
        return string.IsNullOrEmpty(query) ? null : query;
    }

    public static string? FromAuthorization(string header) => CommunityStream.BuildingBlocks.BearerHeader.Parse(header);
}

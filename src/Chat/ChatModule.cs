using System.Net;
using Akka;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using CommunityStream.BuildingBlocks;
using CommunityStream.BuildingBlocks.Integration;
using CommunityStream.Chat.Administration;
using CommunityStream.Chat.Delivery;
using CommunityStream.Chat.Fanout;
using CommunityStream.Chat.Gateway;
using CommunityStream.Chat.Gateway.Accept;
using CommunityStream.Chat.Gateway.Framing;
using CommunityStream.Chat.Http;
using CommunityStream.Chat.Rooms;
using CommunityStream.Chat.Telemetry;
using CommunityStream.Chat.Warmup;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CommunityStream.Chat;

/// <summary>
/// Entry point of the Chat module: sharded, persistent chat rooms fanned out over WebSockets
/// (docs/chat.md, docs/chat-protocol.md).
/// </summary>
public static class ChatModule
{
    /// <summary>Shards the rooms spread over; fixed for the cluster's life (changing it moves every room).</summary>
    public const int RoomShards = 100;

    /// <summary>WebSocket protocol pings on idle sockets: keep them alive through proxies and notice dead peers.</summary>
    public static readonly TimeSpan WebSocketKeepAlive = TimeSpan.FromSeconds(30);

    // Clients answer a close in milliseconds; one that does not is aborted later by its connection, without holding up the leave.
    private static readonly TimeSpan SocketsCloseTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The module's <see cref="System.Diagnostics.Metrics.Meter"/> (instruments <c>communitystream.chat.*</c>).</summary>
    public const string MeterName = "CommunityStream.Chat";

    /// <summary>The module's <see cref="System.Diagnostics.ActivitySource"/>: a span per room ask.</summary>
    public const string ActivitySourceName = "CommunityStream.Chat";

    /// <summary>Registers the module's services and binds <see cref="ChatOptions"/> to the <c>Chat</c> section.</summary>
    public static IHostApplicationBuilder AddChatModule(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ChatOptions>().Bind(builder.Configuration.GetSection(ChatOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ChatOptions>, ChatOptionsValidator>();
        builder.Services.AddSingleton<ConnectionsPerAddress>();
        // Binds the listeners marked by PublicListenerEndPoint, and hands every other endpoint to Kestrel's socket transport.
        builder.Services.AddSingleton<IConnectionListenerFactory, ChatAcceptListenerFactory>();
        builder.Services.AddSingleton(services => new KeepAliveWheel(TimeSpan.FromSeconds(services.GetRequiredService<IOptions<ChatOptions>>().Value.KeepAliveSeconds)));
        builder.Services.AddSingleton<AuthenticatedConnections>();
        builder.Services.AddSingleton<OpenChatConnections>();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton(services => new ChatMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), services.GetRequiredService<OpenChatConnections>()));
        builder.Services.AddHostedService<CreatedAtStart<ChatMetrics>>();
        builder.Services.TryAddSingleton<NodeDrain>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<DisabledAccountSweep>();
        builder.Services.AddSingleton<ChatAdministration>();
        builder.Services.AddSingleton<IUserActivitySource, ChatSocketActivity>();
        builder.Services.AddSingleton<IUserChatExport, ChatExport>();
        builder.Services.AddSingleton<DeletedAccountRoomSweep>();
        builder.Services.AddSingleton<ChatWarmup>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DeletedAccountRoomSweep>());
        return builder;
    }

    /// <summary>
    /// Accepts <c>GET /ws</c> upgrades on this listener before HTTP (<see cref="ChatSocketConnectionMiddleware"/>), and
    /// applies the per-address connection limit and the request head timeout to every connection from accept. The Host
    /// calls it on its public listeners only: the admin listener never serves chat. <paramref name="tls"/>: the listener
    /// adds TLS after this, so a refused connection is closed without a plain-text answer.
    /// </summary>
    public static ListenOptions UseChatSocketUpgrades(this ListenOptions listen, bool tls = false)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => new ChatSocketConnectionMiddleware(next, listen.ApplicationServices, tls).OnConnectionAsync);
        return listen;
    }

    /// <summary>
    /// The endpoint to give Kestrel for a public listener on <paramref name="address"/>: on a plain-HTTP listener
    /// (<paramref name="tls"/> false) one whose sockets Chat accepts itself (<c>Chat:AcceptSocketsItself</c>), so chat
    /// upgrades run on the bare socket and every other connection goes to Kestrel unread.
    /// </summary>
    public static IPEndPoint PublicListenerEndPoint(IPAddress address, int port, bool tls) =>
        tls ? new IPEndPoint(address, port) : new ChatAcceptEndPoint(address, port);

    /// <summary>Registers the room shard region, DistributedPubSub and the node's local room subscribers.</summary>
    public static AkkaConfigurationBuilder WithChatActors(this AkkaConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .WithDistributedPubSub(role: null!)
            .WithCustomSerializer("room-events", [typeof(IRoomEvent)], system => new RoomEventSerializer(system))
            .WithShardRegion<RoomRegionMarker>(
                "room",
                (_, _, resolver) => entityId => resolver.Props<RoomActor>(entityId),
                new RoomMessageExtractor(RoomShards),
                new ShardOptions())
            .WithActors((system, registry, resolver) =>
            {
                var options = resolver.GetService<IOptions<ChatOptions>>().Value;
                var region = registry.Get<RoomRegionMarker>();
                var metrics = resolver.GetService<ChatMetrics>();
                var localRooms = system.ActorOf(Props.Create(() => new LocalRoomsActor(region, options, metrics)), LocalRoomsActor.Name);
                registry.Register<LocalRoomsMarker>(localRooms);
                resolver.GetService<ChatWarmup>().Start(system);
                var open = resolver.GetService<OpenChatConnections>();
                // The drain began in before-service-unbind and asked every socket to close with 1001; the node leaves
                // the cluster (and hands its rooms over) only after the clients have their close, or after a second.
                CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceUnbind, "close-chat-sockets", async () =>
                {
                    await open.WaitForNoneAsync(SocketsCloseTimeout);
                    return Done.Instance;
                });
            });
    }

    /// <summary>Maps <c>GET /ws</c> and <c>/api/rooms</c>.</summary>
    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/ws", new Func<HttpContext, Task<IResult>>(ChatSocketEndpoint.HandleAsync)).ExcludeFromDescription().AllowAnonymous();
        RoomEndpoints.Map(endpoints);
        return endpoints;
    }

    /// <summary>
    /// Maps the admin API's <c>rooms</c> routes (list, show, history, close/open, bans, timeouts, slow mode) onto
    /// <paramref name="admin"/>, the Host's authenticated <c>/admin/v1</c> group; the caller's name
    /// (<c>User.Identity.Name</c>) is logged with every change and recorded as the moderator.
    /// </summary>
    public static IEndpointRouteBuilder MapChatAdminApi(this IEndpointRouteBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ChatAdminEndpoints.Map(admin);
        return admin;
    }
}

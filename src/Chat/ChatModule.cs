using Akka.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace CommunityStream.Chat;

/// <summary>
/// Entry point of the Chat module: chat rooms over WebSockets. The rooms, their actors and the
/// WebSocket endpoint arrive with the chat issue; the Host already calls these three hooks.
/// </summary>
public static class ChatModule
{
    /// <summary>Registers the module's services.</summary>
    public static IHostApplicationBuilder AddChatModule(this IHostApplicationBuilder builder) => builder;

    /// <summary>Registers the module's actors (sharded rooms) with the ActorSystem.</summary>
    public static AkkaConfigurationBuilder WithChatActors(this AkkaConfigurationBuilder builder) => builder;

    /// <summary>Maps the module's HTTP and WebSocket endpoints.</summary>
    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}

using Akka.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace CommunityStream.Media;

/// <summary>
/// Entry point of the Media module: live video over WebRTC (WHIP ingest, WHEP playback). The WebRTC transport, stream actors
/// and WHIP/WHEP endpoints arrive with the media issues; the Host already calls these three hooks.
/// </summary>
public static class MediaModule
{
    /// <summary>Registers the module's services.</summary>
    public static IHostApplicationBuilder AddMediaModule(this IHostApplicationBuilder builder) => builder;

    /// <summary>Registers the module's actors (sharded streams) with the ActorSystem.</summary>
    public static AkkaConfigurationBuilder WithMediaActors(this AkkaConfigurationBuilder builder) => builder;

    /// <summary>Maps the module's HTTP and WebSocket endpoints.</summary>
    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}

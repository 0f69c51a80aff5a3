using Akka.Hosting;
using CommunityStream.Media.WebRtc.Transport;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CommunityStream.Media;

/// <summary>
/// Entry point of the Media module: live video over WebRTC. The transport (<c>WebRtc/</c>) and its settings are
/// here; stream actors and the WHIP/WHEP endpoints that open the UDP socket arrive with the live-video issue.
/// </summary>
public static class MediaModule
{
    /// <summary>Registers the module's services and validates the <c>Media</c> settings at start-up.</summary>
    public static IHostApplicationBuilder AddMediaModule(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebRtcTransportOptions>()
            .Bind(builder.Configuration.GetSection(WebRtcTransportOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebRtcTransportOptions>, WebRtcTransportOptionsValidator>();
        return builder;
    }

    /// <summary>Registers the module's actors (sharded streams) with the ActorSystem.</summary>
    public static AkkaConfigurationBuilder WithMediaActors(this AkkaConfigurationBuilder builder) => builder;

    /// <summary>Maps the module's HTTP endpoints.</summary>
    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}

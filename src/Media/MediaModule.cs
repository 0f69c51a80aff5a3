using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Streams;
using CommunityStream.BuildingBlocks;
using CommunityStream.BuildingBlocks.Integration;
using CommunityStream.Media.Administration;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Hls;
using CommunityStream.Media.Relay;
using CommunityStream.Media.Sessions;
using CommunityStream.Media.Signalling;
using CommunityStream.Media.Streams;
using CommunityStream.Media.Telemetry;
using CommunityStream.WebRtc.Transport;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityStream.Media;

/// <summary>
/// Entry point of the Media module: live video over WebRTC (docs/media.md). WHIP ingest and WHEP playback on the
/// node's one UDP socket, a sharded <see cref="StreamActor"/> per channel, one actor owning each publisher's, viewer's
/// and relay's session, and an Akka.Streams fan-out per stream.
/// </summary>
public static class MediaModule
{
    /// <summary>Shards the stream entities spread over; fixed for the cluster's life.</summary>
    public const int StreamShards = 100;

    /// <summary>The module's <see cref="System.Diagnostics.Metrics.Meter"/> (instruments <c>communitystream.media.*</c>).</summary>
    public const string MeterName = "CommunityStream.Media";

    /// <summary>The module's <see cref="System.Diagnostics.ActivitySource"/>: a span per WHIP or WHEP offer.</summary>
    public const string ActivitySourceName = "CommunityStream.Media";

    /// <summary>Registers the media server, signalling settings, CORS policy and <see cref="MediaDiagnostics"/>; validates <c>Media</c> at start-up.</summary>
    public static IHostApplicationBuilder AddMediaModule(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WebRtcTransportOptions>()
            .Bind(builder.Configuration.GetSection(WebRtcTransportOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebRtcTransportOptions>, WebRtcTransportOptionsValidator>();
        builder.Services.AddOptions<StreamingOptions>()
            .Bind(builder.Configuration.GetSection(StreamingOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StreamingOptions>, StreamingOptionsValidator>();
        var origins = builder.Configuration.GetSection($"{StreamingOptions.Section}:{nameof(StreamingOptions.CorsOrigins)}").Get<string[]>() ?? [];
        builder.Services.AddCors(cors => cors.AddPolicy(MediaCors.Policy, policy => MediaCors.Configure(policy, origins)));
        builder.Services.AddSingleton<MediaSessions>();
        builder.Services.AddSingleton<StreamDirectory>();
        builder.Services.AddSingleton<MediaServer>();
        builder.Services.AddSingleton<RelayConnector>();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<MediaMetrics>();
        builder.Services.AddHostedService<CreatedAtStart<MediaMetrics>>();
        builder.Services.AddSingleton(services => new MediaDiagnostics(services.GetRequiredService<MediaServer>(), services.GetRequiredService<MediaSessions>()));
        builder.Services.AddHostedService(services => services.GetRequiredService<MediaServer>());
        builder.Services.AddSingleton<MediaAdministration>();
        builder.Services.AddHostedService<DisabledPublisherSweep>();
        builder.Services.AddSingleton<IUserActivitySource, LiveStreamActivity>();
        AddHls(builder);
        return builder;
    }

    private static void AddHls(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<HlsChannels>();
        services.AddSingleton(LiveHlsPackager.Factory);
        services.AddSingleton<HlsPackaging>();
        services.AddSingleton(sp => new HlsMirrors(
            sp.GetRequiredService<HlsChannels>(), sp.GetRequiredService<ActorSystem>(), sp.GetRequiredService<MediaServer>().Materializer,
            TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<StreamingOptions>>().Value.Hls.EndedGraceSeconds), sp.GetRequiredService<ILogger<HlsMirrors>>()));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StreamingOptions>>().Value.Hls;
            var secret = HlsTokenSecret.Resolve(options, builder.Configuration, sp.GetRequiredService<ILoggerFactory>().CreateLogger<HlsAccess>());
            return new HlsAccess(new HlsToken(secret), TimeSpan.FromMinutes(options.TokenLifetimeMinutes), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<HlsRequestServices>();
    }

    /// <summary>Registers the stream shard region and this node's stream-list subscriber.</summary>
    public static AkkaConfigurationBuilder WithMediaActors(this AkkaConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            // Stream refs (the relay) need Akka.Streams' serializer bindings from the start.
            .AddHocon(ActorMaterializer.DefaultConfig(), HoconAddMode.Append)
            .WithCustomSerializer("media-packet", [typeof(MediaPacket)], system => new MediaPacketSerializer(system))
            .WithCustomSerializer("media-hls-chunk", [typeof(HlsWireChunk)], system => new HlsWireChunkSerializer(system))
            .WithShardRegion<StreamRegionMarker>(
                "stream",
                (_, _, _) => channel => Props.Create(() => new StreamActor(channel)),
                new StreamMessageExtractor(StreamShards),
                new ShardOptions())
            .WithActors((system, registry, resolver) =>
            {
                var directory = resolver.GetService<StreamDirectory>();
                system.ActorOf(Props.Create(() => new StreamDirectorySubscriber(directory)), "media-stream-directory");
                var sessions = resolver.GetService<MediaSessions>();
                var server = resolver.GetService<MediaServer>();
                var materializer = system.Materializer(namePrefix: "media-relay");
                system.ActorOf(Props.Create(() => new MediaRelayActor(sessions, materializer)), MediaRelayActor.Name);
                var hls = resolver.GetService<HlsChannels>();
                system.ActorOf(Props.Create(() => new HlsOriginActor(hls, materializer)), HlsOriginActor.Name);
                var packaging = resolver.GetService<HlsPackaging>();
                // The owners of this node's publishers and relays; each feed owns its viewers.
                var feeds = system.ActorOf(Props.Create(() => new MediaFeedsActor(sessions, server.NewFanout, server.Materializer, packaging)), MediaFeedsActor.Name);
                registry.Register<MediaFeedsMarker>(feeds);
            });
    }

    /// <summary>Maps WHIP (<c>/whip</c>), WHEP (<c>/whep</c>), LL-HLS (<c>/hls</c>) and <c>/api/streams</c>.</summary>
    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        WhipEndpoints.Map(endpoints);
        WhepEndpoints.Map(endpoints);
        StreamEndpoints.Map(endpoints);
        HlsEndpoints.Map(endpoints);
        return endpoints;
    }

    /// <summary>
    /// Maps the admin API's <c>streams</c> routes (list, details, end) onto <paramref name="admin"/>, the Host's
    /// authenticated <c>/admin/v1</c> group; the caller's name (<c>User.Identity.Name</c>) is logged with every action.
    /// </summary>
    public static IEndpointRouteBuilder MapMediaAdminApi(this IEndpointRouteBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        MediaAdminEndpoints.Map(admin);
        return admin;
    }
}

using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Hosting;
using CommunityStream.BuildingBlocks;
using CommunityStream.Chat;
using CommunityStream.Host.Admin;
using CommunityStream.Host.Configuration;
using CommunityStream.Host.Storage.Journal;
using CommunityStream.Identity;
using CommunityStream.Media;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CommunityStream.Host.Telemetry;

/// <summary>
/// Metrics and traces for the node (docs/operations.md, "Metrics and traces"): OpenTelemetry reads every module's
/// meter, ASP.NET Core's and the runtime's, and serves them in the Prometheus text format at <c>GET /metrics</c> on the
/// admin listener.
/// Traces (HTTP requests, WHIP/WHEP offers, room asks) and an OTLP copy of the metrics are exported only when
/// <c>Telemetry:OtlpEndpoint</c> is set: by default no tracer runs at all, so spans cost nothing.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The setting that turns OTLP export (traces and metrics) on.</summary>
    public const string OtlpEndpointKey = "Telemetry:OtlpEndpoint";

    /// <summary>Where Prometheus scrapes a node.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The service name every exported span and metric carries.</summary>
    public const string ServiceName = "communitystream";

    /// <summary>Registers the meters, the Prometheus exporter and, when configured, OTLP export.</summary>
    public static WebApplicationBuilder AddCommunityStreamTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var otlp = ReadOtlpEndpoint(builder.Configuration);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<ClusterMetrics>();
        builder.Services.AddHostedService<CreatedAtStart<ClusterMetrics>>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(ChatModule.MeterName, MediaModule.MeterName, IdentityModule.MeterName, ClusterMetrics.MeterName, JournalMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                // Meters are matched by name across the process: keep only this node's (its IMeterFactory's) and the
                // process-wide ones, so several nodes in one process (tests) never report each other's values.
                ((IDeferredMeterProviderBuilder)metrics).Configure((services, own) =>
                {
                    var nodeMeters = services.GetRequiredService<IMeterFactory>();
                    own.AddView(instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, nodeMeters) ? null : MetricStreamConfiguration.Drop);
                });
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(options => Configure(options, otlp, "v1/metrics"));
                }
            });
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(ChatModule.ActivitySourceName, MediaModule.ActivitySourceName)
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath))
                .AddOtlpExporter(options => Configure(options, otlp, "v1/traces")));
        }
        return builder;
    }

    /// <summary>Starts the actor that counts this node's shards for <see cref="ClusterMetrics"/>.</summary>
    public static AkkaConfigurationBuilder WithClusterMetrics(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, _, resolver) =>
            system.ActorOf(Props.Create(() => new ShardCountProbeActor(resolver.GetService<ClusterMetrics>())), "cluster-metrics"));

    /// <summary>
    /// Maps <c>GET /metrics</c> (the Prometheus text format) on the admin listener only (<c>Admin:Url</c>; a 404 on the
    /// public one), behind admin authentication: an admin's access token or <c>Admin:ApiKey</c> as a bearer token.
    /// </summary>
    public static IEndpointConventionBuilder MapMetricsEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).RequireAdminAccess();

    /// <summary>
    /// The OTLP collector's base address (OTLP over HTTP/protobuf; the signal's path is appended), or null when
    /// export is off. Anything but an absolute http(s) URI stops the start naming the setting.
    /// </summary>
    internal static Uri? ReadOtlpEndpoint(IConfiguration configuration)
    {
        var text = configuration[OtlpEndpointKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw new StartupConfigurationException(
                $"Configuration '{OtlpEndpointKey}' (env CS_Telemetry__OtlpEndpoint) '{text}' is not an http:// or https:// address of an OTLP collector (e.g. http://otel-collector:4318).");
        }
        return uri;
    }

    private static void Configure(OtlpExporterOptions options, Uri endpoint, string signalPath)
    {
        options.Protocol = OtlpExportProtocol.HttpProtobuf;
        // With HTTP/protobuf an explicit endpoint is used as is: append the signal's path as the SDK would.
        options.Endpoint = new Uri(endpoint, endpoint.AbsolutePath.TrimEnd('/') + "/" + signalPath);
    }
}

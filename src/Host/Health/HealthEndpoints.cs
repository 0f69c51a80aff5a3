using System.Text.Json;
using CommunityStream.BuildingBlocks;
using CommunityStream.Host.Clustering;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityStream.Host.Health;

/// <summary>
/// <c>/healthz/live</c> (the ActorSystem runs) and <c>/healthz/ready</c> (an Up cluster member, not draining, its
/// shard regions have a coordinator, the database and the journal's circuit breaker answer), for orchestrators and
/// load balancers. Both answer JSON with each check's status; changes are logged once (<see cref="HealthTransitionLog"/>).
/// </summary>
public static class HealthEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Maps both probes; they are anonymous and cheap.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var drain = endpoints.ServiceProvider.GetRequiredService<NodeDrain>();
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("CommunityStream.Host.Health");
        endpoints.MapHealthChecks("/healthz/live", Options(AkkaClusterSetup.LiveTag, new HealthTransitionLog("live", drain, logger))).WithTags("Health");
        endpoints.MapHealthChecks("/healthz/ready", Options(AkkaClusterSetup.ReadyTag, new HealthTransitionLog("ready", drain, logger))).WithTags("Health");
        return endpoints;
    }

    private static HealthCheckOptions Options(string tag, HealthTransitionLog transitions) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
        ResponseWriter = (context, report) =>
        {
            transitions.Observe(report);
            return WriteAsync(context, report);
        },
    };

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.Select(entry => new
            {
                name = entry.Key,
                status = entry.Value.Status.ToString(),
                description = entry.Value.Description,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}

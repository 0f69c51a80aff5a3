using System.Diagnostics;
using System.Reflection;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityStream.Host.Admin;

/// <summary><c>/admin/v1/node</c>: this process (version, address, memory, GC, threads), its readiness and its configuration.</summary>
internal static class NodeAdminEndpoints
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        var node = admin.MapGroup("/node");
        node.MapGet("", Info);
        node.MapGet("/health", HealthAsync);
        node.MapGet("/config", (IConfiguration configuration) => Results.Ok(new { settings = MaskedConfiguration.Of(configuration) }));
    }

    private static IResult Info(ActorSystem system)
    {
        using var process = Process.GetCurrentProcess();
        var cluster = Cluster.Get(system);
        var self = cluster.SelfMember;
        var gc = GC.GetGCMemoryInfo();
        var version = typeof(NodeAdminEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return Results.Ok(new
        {
            version,
            runtime = Environment.Version.ToString(),
            address = cluster.SelfAddress.ToString(),
            status = self.Status.ToString(),
            roles = self.Roles.Order(StringComparer.Ordinal),
            startedAt = process.StartTime.ToUniversalTime(),
            uptimeSeconds = (long)(DateTime.Now - process.StartTime).TotalSeconds,
            pid = Environment.ProcessId,
            processorCount = Environment.ProcessorCount,
            memory = new
            {
                workingSetBytes = process.WorkingSet64,
                privateBytes = process.PrivateMemorySize64,
                gcHeapBytes = GC.GetTotalMemory(forceFullCollection: false),
                gcCommittedBytes = gc.TotalCommittedBytes,
            },
            gc = new
            {
                gen0 = GC.CollectionCount(0),
                gen1 = GC.CollectionCount(1),
                gen2 = GC.CollectionCount(2),
                pauseTimePercentage = gc.PauseTimePercentage,
                totalPauseMilliseconds = GC.GetTotalPauseDuration().TotalMilliseconds,
                allocatedBytes = GC.GetTotalAllocatedBytes(),
            },
            threads = new
            {
                process = process.Threads.Count,
                threadPool = ThreadPool.ThreadCount,
                threadPoolQueue = ThreadPool.PendingWorkItemCount,
            },
        });
    }

    // The readiness checks of /healthz/ready, with each one's data, run now.
    private static async Task<IResult> HealthAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        return Results.Json(new
        {
            status = report.Status.ToString(),
            durationMs = report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.OrderBy(entry => entry.Key, StringComparer.Ordinal).Select(entry => new
            {
                name = entry.Key,
                status = entry.Value.Status.ToString(),
                description = entry.Value.Description,
                tags = entry.Value.Tags,
                durationMs = entry.Value.Duration.TotalMilliseconds,
                error = entry.Value.Exception?.Message,
            }),
        }, statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }
}

using CommunityStream.BuildingBlocks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityStream.Host.Health;

/// <summary>Readiness: the node is not draining (it stops taking work as soon as it starts to stop).</summary>
internal sealed class DrainingHealthCheck(NodeDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining
            ? HealthCheckResult.Unhealthy("draining: the node is stopping")
            : HealthCheckResult.Healthy("serving"));
}

using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityStream.Host.Health;

/// <summary>Readiness: every shard region of this node is registered with a coordinator that answers.</summary>
internal sealed class ShardRegionsHealthCheck(ReadinessSignals signals) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(signals.ShardRegions.ToResult());
}

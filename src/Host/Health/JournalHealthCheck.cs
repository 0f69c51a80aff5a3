using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityStream.Host.Health;

/// <summary>Readiness: the journal answers a read through its circuit breaker (open breaker: every persist fails).</summary>
internal sealed class JournalHealthCheck(ReadinessSignals signals) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(signals.Journal.ToResult());
}

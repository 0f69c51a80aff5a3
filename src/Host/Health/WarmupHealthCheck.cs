using CommunityStream.Chat.Warmup;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityStream.Host.Health;

/// <summary>Readiness: the chat path's start-up warm-up has run (bounded by <c>Chat:WarmupSeconds</c>; off: at once).</summary>
internal sealed class WarmupHealthCheck(ChatWarmup warmup) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(warmup.Finished
            ? HealthCheckResult.Healthy(warmup.Description)
            : HealthCheckResult.Unhealthy(warmup.Description));
}

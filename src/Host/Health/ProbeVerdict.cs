using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityStream.Host.Health;

/// <summary>The latest verdict of one of <see cref="ReadinessProbeActor"/>'s probes, as a health-check result.</summary>
internal sealed record ProbeVerdict(bool Healthy, string Description)
{
    public static readonly ProbeVerdict NotProbedYet = new(false, "not probed yet");

    public HealthCheckResult ToResult() => Healthy ? HealthCheckResult.Healthy(Description) : HealthCheckResult.Unhealthy(Description);
}

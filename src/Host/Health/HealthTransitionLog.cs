using CommunityStream.BuildingBlocks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityStream.Host.Health;

/// <summary>
/// Logs a probe's changes, once each, instead of ASP.NET Core's error line per unhealthy check per request (filtered
/// out in <see cref="ReadinessSetup"/>): not ready while starting or draining is expected (Information); losing
/// readiness after having had it is a real failure (Warning).
/// </summary>
internal sealed partial class HealthTransitionLog(string probe, NodeDrain drain, ILogger logger)
{
    private readonly Lock _lock = new();
    private string? _failing;
    private bool _wasHealthy;

    public void Observe(HealthReport report)
    {
        var failing = report.Entries.Where(entry => entry.Value.Status == HealthStatus.Unhealthy).ToList();
        // Keyed by the failing checks' names: descriptions may carry figures that change on every probe.
        var key = string.Join(",", failing.Select(entry => entry.Key));
        bool wasHealthy;
        lock (_lock)
        {
            if (key == _failing)
            {
                return;
            }
            _failing = key;
            wasHealthy = _wasHealthy;
            _wasHealthy |= failing.Count == 0;
        }
        if (failing.Count == 0)
        {
            LogHealthy(logger, probe);
            return;
        }
        var reasons = string.Join("; ", failing.Select(entry => $"{entry.Key}: {entry.Value.Description ?? entry.Value.Exception?.GetType().Name}"));
        if (wasHealthy && !drain.IsDraining)
        {
            LogLost(logger, probe, reasons);
        }
        else
        {
            LogNotYet(logger, probe, reasons);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health probe {Probe} is healthy")]
    private static partial void LogHealthy(ILogger logger, string probe);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health probe {Probe} is not healthy (starting or draining): {Reasons}")]
    private static partial void LogNotYet(ILogger logger, string probe, string reasons);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health probe {Probe} is no longer healthy: {Reasons}")]
    private static partial void LogLost(ILogger logger, string probe, string reasons);
}

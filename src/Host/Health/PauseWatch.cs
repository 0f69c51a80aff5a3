using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityStream.Host.Health;

/// <summary>
/// Measures how late a 100 ms thread-pool timer fires: the pauses (GC, a starved thread pool, CPU steal) that also
/// delay Akka's heartbeats and that <c>Cluster:AcceptableHeartbeatPause</c> must outlast. Reported on
/// <c>/healthz/live</c> (always healthy; the largest lateness of the last minute and since start) and logged at
/// Warning when one pause reaches a second, so an operator sees a node close to being suspected by its peers.
/// </summary>
internal sealed partial class PauseWatch(ILogger<PauseWatch> logger) : BackgroundService, IHealthCheck
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan WarnAt = TimeSpan.FromSeconds(1);

    private long _maxTicks;
    private long _windowMaxTicks;
    private long _previousWindowMaxTicks;

    /// <summary>The largest lateness seen since the node started.</summary>
    public TimeSpan LargestPause => TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks));

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var lastMinute = TimeSpan.FromTicks(Math.Max(Interlocked.Read(ref _windowMaxTicks), Interlocked.Read(ref _previousWindowMaxTicks)));
        return Task.FromResult(HealthCheckResult.Healthy(
            $"largest pause {lastMinute.TotalMilliseconds:0} ms in the last minute, {LargestPause.TotalMilliseconds:0} ms since start"));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var windowStart = Stopwatch.GetTimestamp();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var before = Stopwatch.GetTimestamp();
                await Task.Delay(Period, stoppingToken);
                var late = Stopwatch.GetElapsedTime(before) - Period;
                Record(late);
                if (Stopwatch.GetElapsedTime(windowStart) >= Window)
                {
                    Interlocked.Exchange(ref _previousWindowMaxTicks, Interlocked.Exchange(ref _windowMaxTicks, 0));
                    windowStart = Stopwatch.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    internal void Record(TimeSpan late)
    {
        var ticks = Math.Max(0, late.Ticks);
        if (ticks > Interlocked.Read(ref _windowMaxTicks))
        {
            Interlocked.Exchange(ref _windowMaxTicks, ticks);
        }
        if (ticks > Interlocked.Read(ref _maxTicks))
        {
            Interlocked.Exchange(ref _maxTicks, ticks);
        }
        if (late >= WarnAt)
        {
            NodePaused(logger, (long)late.TotalMilliseconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This node paused for {Milliseconds} ms (GC, thread-pool starvation or CPU steal); peers suspect a node whose heartbeats stop for longer than Cluster:AcceptableHeartbeatPause")]
    private static partial void NodePaused(ILogger logger, long milliseconds);
}

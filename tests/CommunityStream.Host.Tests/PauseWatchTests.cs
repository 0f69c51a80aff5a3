using CommunityStream.Host.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommunityStream.Host.Tests;

/// <summary>The pause watch reports the largest timer lateness on the liveness probe without ever failing it.</summary>
public sealed class PauseWatchTests
{
    [Fact]
    public async Task Should_report_the_largest_pause_and_stay_healthy()
    {
        using var watch = new PauseWatch(NullLogger<PauseWatch>.Instance);
        watch.Record(TimeSpan.FromMilliseconds(40));
        watch.Record(TimeSpan.FromMilliseconds(1_250));
        watch.Record(TimeSpan.FromMilliseconds(300));

        var result = await watch.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(1_250), watch.LargestPause);
        Assert.Equal("largest pause 1250 ms in the last minute, 1250 ms since start", result.Description);
    }

    [Fact]
    public async Task Should_measure_real_timer_lateness_while_running()
    {
        using var watch = new PauseWatch(NullLogger<PauseWatch>.Instance);
        await watch.StartAsync(CancellationToken.None);
        await Eventually.True(() => watch.LargestPause > TimeSpan.Zero, TimeSpan.FromSeconds(10), "a timer tick to be measured");
        await watch.StopAsync(CancellationToken.None);
        Assert.True(watch.LargestPause < TimeSpan.FromSeconds(10));
    }
}

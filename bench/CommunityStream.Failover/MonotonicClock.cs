using System.Diagnostics;

namespace CommunityStream.Failover;

/// <summary>Milliseconds since the run started, from <see cref="Stopwatch"/> (CLOCK_MONOTONIC on Linux): wall-clock steps never move it.</summary>
internal static class MonotonicClock
{
    private static readonly long Start = Stopwatch.GetTimestamp();

    public static double NowMs => Stopwatch.GetElapsedTime(Start).TotalMilliseconds;
}

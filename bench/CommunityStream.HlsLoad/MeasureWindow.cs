using System.Diagnostics;

namespace CommunityStream.HlsLoad;

/// <summary>The measured interval, in Stopwatch ticks: after the ramp, for --duration seconds.</summary>
internal sealed record MeasureWindow(long FromTicks, long ToTicks)
{
    public bool Contains(long ticks) => ticks >= FromTicks && ticks <= ToTicks;

    public static MeasureWindow StartingIn(TimeSpan delay, TimeSpan length)
    {
        var from = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
        return new MeasureWindow(from, from + (long)(length.TotalSeconds * Stopwatch.Frequency));
    }
}

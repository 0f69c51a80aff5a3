using System.Globalization;
using CommunityStream.LoadGen;

namespace CommunityStream.MediaLoad;

/// <summary>One delay histogram's sample count and percentiles in µs, as the report and the JSON carry them.</summary>
internal sealed record DelayFigures(long Count, long P50Us, long P90Us, long P99Us, long P999Us, long MaxUs)
{
    public static DelayFigures None { get; } = new(0, 0, 0, 0, 0, 0);

    public static DelayFigures From(LogLinearHistogram histogram) => new(
        histogram.Count,
        histogram.ValueAtPercentile(50),
        histogram.ValueAtPercentile(90),
        histogram.ValueAtPercentile(99),
        histogram.ValueAtPercentile(99.9),
        histogram.Count == 0 ? 0 : histogram.Max);

    /// <summary>"p50 / p90 / p99 / p99.9 / max ms (N samples, what)".</summary>
    public string Format(string what) => $"{Ms(P50Us)} / {Ms(P90Us)} / {Ms(P99Us)} / {Ms(P999Us)} / {Ms(MaxUs)} ms ({Count} samples, {what})";

    private static string Ms(long microseconds) => (microseconds / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
}

namespace CommunityStream.HlsLoad;

/// <summary>Count, nearest-rank p50/p95/p99 and max of a sample (milliseconds).</summary>
internal sealed record Percentiles(long Count, double P50, double P95, double P99, double Max)
{
    public static readonly Percentiles Empty = new(0, 0, 0, 0, 0);

    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0
            ? Empty
            : new Percentiles(sorted.Length, Rank(sorted, 50), Rank(sorted, 95), Rank(sorted, 99), sorted[^1]);
    }

    /// <summary>Nearest rank: the smallest value with at least p % of the sample at or below it.</summary>
    internal static double Rank(double[] sorted, double p)
    {
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}

using System.Globalization;
using System.Text;

namespace CommunityStream.HlsLatency;

/// <summary>Count, nearest-rank p50/p95/p99, min and max of one path's glass-to-glass samples (milliseconds).</summary>
internal sealed record LatencyFigures(string Path, long Count, double P50, double P95, double P99, double Min, double Max,
    long Frames, long Unreadable, double? HoldBackSeconds, string Size)
{
    public static LatencyFigures Of(string path, IEnumerable<double> samples, long frames, long unreadable, double? holdBack, string size)
    {
        var sorted = samples.Order().ToArray();
        return sorted.Length == 0
            ? new LatencyFigures(path, 0, 0, 0, 0, 0, 0, frames, unreadable, holdBack, size)
            : new LatencyFigures(path, sorted.Length, Rank(sorted, 50), Rank(sorted, 95), Rank(sorted, 99), sorted[0], sorted[^1], frames, unreadable, holdBack, size);
    }

    /// <summary>Nearest rank: the smallest value with at least p % of the sample at or below it.</summary>
    internal static double Rank(double[] sorted, double p)
    {
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    public static string Table(IEnumerable<LatencyFigures> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("path   samples     p50 ms    p95 ms    p99 ms    min ms    max ms  frames  unreadable  hold-back  size");
        foreach (var r in rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Path,-5} {r.Count,8} {r.P50,10:F0} {r.P95,9:F0} {r.P99,9:F0} {r.Min,9:F0} {r.Max,9:F0} {r.Frames,7} {r.Unreadable,11}  {(r.HoldBackSeconds is { } h ? h.ToString("F3", CultureInfo.InvariantCulture) + " s" : "-"),9}  {r.Size}"));
        }
        return text.ToString();
    }
}

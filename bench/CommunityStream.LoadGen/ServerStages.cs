using System.Globalization;
using System.Net.Http.Headers;

namespace CommunityStream.LoadGen;

/// <summary>
/// The server's own per-stage latency histograms (<c>communitystream_chat_stage_*</c>, <c>communitystream_journal_*</c>)
/// over the measured window: its Prometheus endpoint is scraped when latency counting starts and when publishing ends,
/// and the bucket counts are subtracted. Quantiles are interpolated inside the bucket that holds them.
/// </summary>
internal sealed class ServerStages(Uri metricsUrl, string? apiKey) : IDisposable
{
    private static readonly string[] Prefixes = ["communitystream_chat_stage_", "communitystream_journal_"];

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Dictionary<string, Buckets>? _before;

    public async Task StartAsync() => _before = await TryScrapeAsync();

    /// <summary>Per histogram (name without the Prometheus suffix): what the window added; null when a scrape failed.</summary>
    public async Task<Dictionary<string, StageFigures>?> FinishAsync()
    {
        var after = await TryScrapeAsync();
        if (_before is null || after is null)
        {
            return null;
        }
        var figures = new Dictionary<string, StageFigures>(StringComparer.Ordinal);
        foreach (var (name, end) in after)
        {
            var start = _before.GetValueOrDefault(name) ?? new Buckets();
            figures[name] = end.Minus(start).ToFigures(name.EndsWith("_seconds", StringComparison.Ordinal));
        }
        return figures;
    }

    public void Dispose() => _http.Dispose();

    private async Task<Dictionary<string, Buckets>?> TryScrapeAsync()
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, metricsUrl);
            if (apiKey is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }
            using var response = await _http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            return Parse(await response.Content.ReadAsStringAsync());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"server metrics scrape failed: {ex.Message}");
            return null;
        }
    }

    /// <summary>The histograms in a Prometheus text scrape, by name (suffix <c>_bucket</c>/<c>_count</c>/<c>_sum</c> removed).</summary>
    internal static Dictionary<string, Buckets> Parse(string text)
    {
        var histograms = new Dictionary<string, Buckets>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || !Array.Exists(Prefixes, p => line.StartsWith(p, StringComparison.Ordinal)))
            {
                continue;
            }
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var close = brace >= 0 ? line.IndexOf('}', brace) : -1;
            var name = brace >= 0 ? line[..brace] : line[..line.IndexOf(' ', StringComparison.Ordinal)];
            var rest = (close >= 0 ? line[(close + 1)..] : line[name.Length..]).Trim().Split(' ');
            if (!double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }
            if (name.EndsWith("_bucket", StringComparison.Ordinal) && brace >= 0)
            {
                var labels = line[(brace + 1)..close];
                var at = labels.IndexOf("le=\"", StringComparison.Ordinal);
                if (at < 0)
                {
                    continue;
                }
                var le = labels[(at + 4)..labels.IndexOf('"', at + 4)];
                var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
                Get(histograms, name[..^"_bucket".Length]).Cumulative[bound] = value;
            }
            else if (name.EndsWith("_count", StringComparison.Ordinal))
            {
                Get(histograms, name[..^"_count".Length]).Count = value;
            }
            else if (name.EndsWith("_sum", StringComparison.Ordinal))
            {
                Get(histograms, name[..^"_sum".Length]).Sum = value;
            }
        }
        return histograms;
    }

    private static Buckets Get(Dictionary<string, Buckets> histograms, string name) =>
        histograms.TryGetValue(name, out var buckets) ? buckets : histograms[name] = new Buckets();

    /// <summary>One histogram's cumulative bucket counts (by upper bound), count and sum.</summary>
    internal sealed class Buckets
    {
        public SortedDictionary<double, double> Cumulative { get; } = [];

        public double Count { get; set; }

        public double Sum { get; set; }

        public Buckets Minus(Buckets earlier)
        {
            var delta = new Buckets { Count = Count - earlier.Count, Sum = Sum - earlier.Sum };
            foreach (var (bound, count) in Cumulative)
            {
                delta.Cumulative[bound] = count - earlier.Cumulative.GetValueOrDefault(bound);
            }
            return delta;
        }

        public StageFigures ToFigures(bool seconds)
        {
            var scale = seconds ? 1000 : 1;
            return new StageFigures
            {
                Unit = seconds ? "ms" : "1",
                Count = (long)Count,
                Mean = Count > 0 ? Math.Round(Sum / Count * scale, 3) : 0,
                P50 = Math.Round(Quantile(0.5) * scale, 3),
                P90 = Math.Round(Quantile(0.9) * scale, 3),
                P99 = Math.Round(Quantile(0.99) * scale, 3),
            };
        }

        /// <summary>Linear inside the bucket that holds the rank; the last finite bound when it is in the +Inf bucket.</summary>
        internal double Quantile(double q)
        {
            if (Count <= 0)
            {
                return 0;
            }
            var rank = q * Count;
            var lowerBound = 0.0;
            var lowerCount = 0.0;
            foreach (var (bound, cumulative) in Cumulative)
            {
                if (cumulative >= rank)
                {
                    if (double.IsPositiveInfinity(bound))
                    {
                        return lowerBound;
                    }
                    var inBucket = cumulative - lowerCount;
                    return inBucket <= 0 ? bound : lowerBound + (bound - lowerBound) * (rank - lowerCount) / inBucket;
                }
                lowerBound = bound;
                lowerCount = cumulative;
            }
            return lowerBound;
        }
    }
}

/// <summary>One server histogram over the measured window: count, mean and quantiles (ms for durations).</summary>
internal sealed class StageFigures
{
    public string Unit { get; set; } = "ms";

    public long Count { get; set; }

    public double Mean { get; set; }

    public double P50 { get; set; }

    public double P90 { get; set; }

    public double P99 { get; set; }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CommunityStream.HlsLoad;

/// <summary>The figures of one run, as the table and the JSON file give them.</summary>
internal sealed record HlsLoadResult
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required string Label { get; init; }

    public required string Url { get; init; }

    public required int Clients { get; init; }

    public required double MeasuredSeconds { get; init; }

    public required long Reloads { get; init; }

    public required long EmptyReloads { get; init; }

    public required long Parts { get; init; }

    public required long PartBytes { get; init; }

    public required long PlaylistBytes { get; init; }

    /// <summary>Distinct parts the clients' reloads listed anew inside the window.</summary>
    public required long PartsProduced { get; init; }

    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>"header" (the server's completion stamp) or "program-date-time" (the end of the part's media).</summary>
    public required string ReadySource { get; init; }

    /// <summary>Playlist answer (at the client) minus the awaited part's readiness, ms.</summary>
    public required Percentiles ReadyDelayMs { get; init; }

    /// <summary>Each awaited part's arrival at a client minus its earliest arrival at any client, ms.</summary>
    public required Percentiles FanOutSpreadMs { get; init; }

    public double? ServerCpuPercentOfCore { get; init; }

    public double? BaselineCpuPercentOfCore { get; init; }

    public double? ServerCpuPercentPer100Clients { get; init; }

    public double? GeneratorCpuPercentOfCore { get; init; }

    public OriginCounts? Origin { get; init; }

    public double? OriginRequestsPerPart { get; init; }

    /// <summary>
    /// Per awaited part: each arrival minus the part's earliest arrival, in ms (ticks of <see cref="Stopwatch"/>).
    /// </summary>
    public static IEnumerable<double> Spread(IEnumerable<(long Msn, int Index, long ArrivalTicks)> arrivals) =>
        arrivals.GroupBy(a => (a.Msn, a.Index)).SelectMany(part =>
        {
            var first = part.Min(a => a.ArrivalTicks);
            return part.Select(a => (a.ArrivalTicks - first) * 1000.0 / Stopwatch.Frequency);
        });

    public string ToTable()
    {
        var t = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        t.AppendLine(c, $"HLS load '{Label}': {Clients} clients, {MeasuredSeconds:F0} s measured, {Url}");
        t.AppendLine(c, $"  reloads {Reloads} ({EmptyReloads} without a new part), parts fetched {Parts}, {PartBytes / 1e6:F1} MB parts + {PlaylistBytes / 1e6:F1} MB playlists, parts new in the window {PartsProduced}");
        t.AppendLine(c, $"  errors: {(Errors.Count == 0 ? "none" : string.Join(", ", Errors.Select(e => $"{e.Key} x{e.Value}")))}");
        t.AppendLine(c, $"  playlist delay after the part was ready ({ReadySource}): p50 {ReadyDelayMs.P50:F1} ms, p95 {ReadyDelayMs.P95:F1}, p99 {ReadyDelayMs.P99:F1}, max {ReadyDelayMs.Max:F1} (n={ReadyDelayMs.Count})");
        t.AppendLine(c, $"  fan-out spread after the first client: p50 {FanOutSpreadMs.P50:F1} ms, p95 {FanOutSpreadMs.P95:F1}, p99 {FanOutSpreadMs.P99:F1}, max {FanOutSpreadMs.Max:F1}");
        if (ServerCpuPercentOfCore is { } cpu)
        {
            t.AppendLine(c, $"  server CPU {cpu:F1} % of a core (baseline {BaselineCpuPercentOfCore ?? 0:F1} %): {ServerCpuPercentPer100Clients:F2} % of a core per 100 clients");
        }
        if (GeneratorCpuPercentOfCore is { } gen)
        {
            t.AppendLine(c, $"  generator CPU {gen:F1} % of a core");
        }
        if (Origin is { } o)
        {
            t.AppendLine(c, $"  origin requests {o.Requests} (playlists {o.PlaylistRequests}, parts {o.PartRequests}, other {o.OtherRequests}; {o.CacheAnswers} answered by the cache): {OriginRequestsPerPart:F2} per part");
        }
        return t.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

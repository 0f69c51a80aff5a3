using System.Diagnostics;
using System.Net;

namespace CommunityStream.HlsLoad;

/// <summary>Starts the clients over the ramp, measures the window, stops everything and adds up the figures.</summary>
internal static class HlsLoadRun
{
    public static async Task<HlsLoadResult> RunAsync(HlsLoadOptions options, TextWriter log)
    {
        using var handler = new SocketsHttpHandler
        {
            // One keep-alive connection per client: a blocking reload holds its connection, as a player's does.
            MaxConnectionsPerServer = Math.Max(16, options.Clients + 16),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15), DefaultRequestVersion = HttpVersion.Version11 };
        var ramp = TimeSpan.FromSeconds(options.Ramp);
        var window = MeasureWindow.StartingIn(ramp + TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(options.Duration));
        using var stop = new CancellationTokenSource(ramp + TimeSpan.FromSeconds(1 + options.Duration + 0.5));
        var clients = Enumerable.Range(0, options.Clients).Select(_ => new SimulatedClient(http, options, window)).ToArray();
        log.WriteLine($"hlsload: {options.Clients} clients over {options.Ramp:F0} s, then {options.Duration:F0} s measured");
        var tasks = clients.Select((c, i) => c.RunAsync(options.Clients <= 1 ? TimeSpan.Zero : ramp * i / options.Clients, stop.Token)).ToArray();

        // CPU over the window only.
        await WaitUntilAsync(window.FromTicks);
        var cpuStart = ServerCpu.SecondsOf(options.ServerPids);
        var selfStart = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var wallStart = DateTimeOffset.UtcNow;
        await WaitUntilAsync(window.ToTicks);
        var cpuEnd = ServerCpu.SecondsOf(options.ServerPids);
        var selfEnd = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var wallEnd = DateTimeOffset.UtcNow;
        await Task.WhenAll(tasks);

        var seconds = (wallEnd - wallStart).TotalSeconds;
        var tallies = clients.Select(c => c.Tally).ToArray();
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (kind, count) in tallies.SelectMany(t => t.Errors))
        {
            errors[kind] = errors.GetValueOrDefault(kind) + count;
        }
        var arrivals = tallies.SelectMany(t => t.Arrivals).ToList();
        var produced = tallies.SelectMany(t => t.SeenParts).Distinct().LongCount();
        double? serverCpu = options.ServerPids.Count > 0 ? ServerCpu.PercentOfCore(cpuEnd - cpuStart, seconds) : null;
        OriginCounts? origin = options.OriginLog is { } file && File.Exists(file)
            ? OriginLog.Count(File.ReadLines(file), wallStart, wallEnd)
            : null;
        return new HlsLoadResult
        {
            Label = options.Label,
            Url = options.Url.ToString(),
            Clients = options.Clients,
            MeasuredSeconds = seconds,
            Reloads = tallies.Sum(t => t.Reloads),
            EmptyReloads = tallies.Sum(t => t.EmptyReloads),
            Parts = tallies.Sum(t => t.Parts),
            PartBytes = tallies.Sum(t => t.PartBytes),
            PlaylistBytes = tallies.Sum(t => t.PlaylistBytes),
            PartsProduced = produced,
            Errors = errors,
            ReadySource = tallies.Any(t => t.ReadyFromHeader) ? "header " + options.ReadyHeader : "program-date-time",
            ReadyDelayMs = Percentiles.Of(tallies.SelectMany(t => t.ReadyDelaysMs)),
            FanOutSpreadMs = Percentiles.Of(HlsLoadResult.Spread(arrivals)),
            ServerCpuPercentOfCore = serverCpu,
            BaselineCpuPercentOfCore = serverCpu is null ? null : options.BaselineCpuPercent,
            ServerCpuPercentPer100Clients = serverCpu is { } cpu ? ServerCpu.PercentPer100Clients(cpu, options.BaselineCpuPercent, options.Clients) : null,
            GeneratorCpuPercentOfCore = ServerCpu.PercentOfCore(selfEnd - selfStart, seconds),
            Origin = origin,
            OriginRequestsPerPart = origin?.PerPart(produced),
        };
    }

    private static async Task WaitUntilAsync(long ticks)
    {
        var remaining = ticks - Stopwatch.GetTimestamp();
        if (remaining > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
        }
    }
}
